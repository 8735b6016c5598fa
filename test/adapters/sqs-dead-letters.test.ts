import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeadLetters } from '../../src/adapters/aws/sqs-queue.ts';

const sqs = mockClient(SQSClient);
const urls = { pm: 'u-pm', dev: 'u-dev', qa: 'u-qa', ops: 'u-ops' };
const arns = { pm: 'arn:pm-dlq', dev: 'arn:dev-dlq', qa: 'arn:qa-dlq', ops: 'arn:ops-dlq' };
const dead = new SqsDeadLetters(new SQSClient({ region: 'us-east-1' }), urls, arns);

beforeEach(() => sqs.reset());

describe('SQS dead letters (agenticai dlq against AWS)', () => {
  it('counts and peeks at a stage DLQ', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ MessageId: 'm1', Body: '{"projectId":"p1"}', Attributes: {} }] });
    expect(await dead.count('qa')).toBe(2);
    expect(await dead.peek('qa')).toEqual([{ id: 'm1', body: { projectId: 'p1' }, attributes: {} }]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: 'u-qa',
      VisibilityTimeout: 5,
    });
  });

  it('redrives with an SQS message move task, once at a time', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    expect(await dead.redrive('dev')).toEqual({ taskHandle: 'task-1', alreadyRunning: false });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: 'arn:dev-dlq',
    });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'RUNNING', TaskHandle: 'task-0' }] });
    expect(await dead.redrive('dev')).toEqual({ taskHandle: 'task-0', alreadyRunning: true });
  });
});
