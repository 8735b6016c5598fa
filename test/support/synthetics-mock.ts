import {
  GetCanaryCommand,
  type GetCanaryCommandInput,
  type GetCanaryCommandOutput,
  GetCanaryRunsCommand,
  type GetCanaryRunsCommandInput,
  type GetCanaryRunsCommandOutput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  SyntheticsClient,
} from '@aws-sdk/client-synthetics';
import { type AwsCommand, type AwsStub, mockClient } from 'aws-sdk-client-mock';

/**
 * aws-sdk-client-mock for Synthetics. @aws-sdk/client-synthetics 3.669.0 (the newest the registry
 * holds) is typed against @smithy/types 3, the mock and every other client against 4: the same
 * `send` at run time, so the client and the commands the tests use are re-typed here, once, with
 * their own input and output types.
 */
type Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = new (input: I) => AwsCommand<I, O>;

export const GetCanary = GetCanaryCommand as unknown as Command<
  GetCanaryCommandInput,
  GetCanaryCommandOutput
>;
export const GetCanaryRuns = GetCanaryRunsCommand as unknown as Command<
  GetCanaryRunsCommandInput,
  GetCanaryRunsCommandOutput
>;

export const mockSynthetics = (): AwsStub<ServiceInputTypes, ServiceOutputTypes, unknown> =>
  mockClient<ServiceInputTypes, ServiceOutputTypes, unknown>(SyntheticsClient as never);
