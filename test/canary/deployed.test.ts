import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDeployedCanary } from '../../src/composition/canary-target.ts';
import { resourceNames } from '../../src/naming.ts';

const cfn = mockClient(CloudFormationClient);
const sm = mockClient(SecretsManagerClient);
afterEach(() => {
  cfn.reset();
  sm.reset();
});

const names = resourceNames('staging');
const KEY = 'agk_01JCANARY_secretvalue';

describe('canary run --env: where a deployed environment is found', () => {
  it('R11.3 reads the API URL from the stack output and the key from the canary secret', async () => {
    cfn.on(DescribeStacksCommand, { StackName: names.stack }).resolves({
      Stacks: [
        {
          StackName: names.stack,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: 'Other', OutputValue: 'x' },
            {
              OutputKey: names.apiUrlOutput,
              OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/',
            },
          ],
        },
      ],
    });
    sm.on(GetSecretValueCommand, { SecretId: names.canaryKeySecret }).resolves({ SecretString: KEY });
    await expect(resolveDeployedCanary('staging', { region: 'eu-west-1' }, {})).resolves.toEqual({
      endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/',
      apiKey: KEY,
    });
  });

  it('a secret still holding the generated placeholder (no key stored yet) says how to store one', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: names.stack,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [{ OutputKey: names.apiUrlOutput, OutputValue: 'https://x/v1/' }],
        },
      ],
    });
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'Xy7!generated-by-cloudformation' });
    await expect(resolveDeployedCanary('staging', {}, {})).rejects.toThrow(
      /holds no API key yet; store one with: agenticai --env staging keys create --name canary --canary --store-secret agenticai\/staging\/canary-api-key/,
    );
  });

  it('a stack without the ApiUrl output (deployed before it existed) asks for a redeploy or --endpoint', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        { StackName: names.stack, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0), Outputs: [] },
      ],
    });
    await expect(resolveDeployedCanary('staging', {}, { key: KEY })).rejects.toThrow(
      /has no ApiUrl output; deploy it again or pass --endpoint/,
    );
    expect(sm.calls()).toHaveLength(0);
  });

  it('--endpoint and --key override both look-ups', async () => {
    await expect(
      resolveDeployedCanary('staging', {}, { endpoint: 'https://api.example.test/', key: KEY }),
    ).resolves.toEqual({ endpoint: 'https://api.example.test/', apiKey: KEY });
    expect(cfn.calls()).toHaveLength(0);
    expect(sm.calls()).toHaveLength(0);
  });
});
