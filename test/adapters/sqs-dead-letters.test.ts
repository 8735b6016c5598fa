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
  it('counts every dead letter: visible, in flight (being inspected) and delayed', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        ApproximateNumberOfMessages: '2',
        ApproximateNumberOfMessagesNotVisible: '3',
        ApproximateNumberOfMessagesDelayed: '1',
      },
    });
    expect(await dead.count('qa')).toBe(6);
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]!.args[0].input).toEqual({
      QueueUrl: 'u-qa',
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    });
  });

  it('peeks with long polling and repeated receives, leaves messages visible, and shows the correlation id', async () => {
    // SQS as it is: a short poll samples a few servers and may answer nothing from a non-empty
    // queue; a long poll answers what it finds, a few messages at a time, repeats included.
    const stored = ['m1', 'm2', 'm3', 'm4'].map((id, i) => ({
      MessageId: id,
      Body: JSON.stringify({ projectId: `p${i}`, stage: 'qa', correlationId: `body-${id}` }),
      Attributes: {
        ApproximateReceiveCount: '3',
        SentTimestamp: '1795414628000',
        DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:1:agenticai-dev-qa',
      },
      MessageAttributes: { correlationId: { DataType: 'String', StringValue: `corr-${id}` } },
    }));
    let call = 0;
    sqs.on(ReceiveMessageCommand).callsFake(async (input) => {
      if (!input.WaitTimeSeconds) return { Messages: [] };
      const slice = [stored.slice(0, 3), stored.slice(2, 4), stored.slice(1, 2), []][call++] ?? [];
      return { Messages: slice };
    });
    const letters = await dead.peek('qa');
    expect(letters.map((l) => l.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(letters[0]).toEqual({
      id: 'm1',
      stage: 'qa',
      body: { projectId: 'p0', stage: 'qa', correlationId: 'body-m1' },
      correlationId: 'corr-m1',
      receiveCount: 3,
      sentAt: new Date(1795414628000).toISOString(),
      sourceQueueArn: 'arn:aws:sqs:us-east-1:1:agenticai-dev-qa',
    });
    for (const c of sqs.commandCalls(ReceiveMessageCommand)) {
      expect(c.args[0].input).toMatchObject({
        QueueUrl: 'u-qa',
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      });
      expect(c.args[0].input.WaitTimeSeconds).toBeGreaterThan(0);
    }
  });

  it('peek stops at its limit and on an empty queue', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    expect(await dead.peek('dev')).toEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    sqs.reset();
    let n = 0;
    sqs.on(ReceiveMessageCommand).callsFake(async (input) => ({
      Messages: Array.from({ length: input.MaxNumberOfMessages ?? 1 }, () => ({
        MessageId: `x${n++}`,
        Body: 'not json',
      })),
    }));
    const letters = await dead.peek('dev', { limit: 12 });
    expect(letters).toHaveLength(12);
    expect(letters[0]!.body).toBe('not json');
    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([
      10, 2,
    ]);
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
