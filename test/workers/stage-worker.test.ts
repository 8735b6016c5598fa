import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsStageQueue } from '../../src/adapters/aws/sqs-queue.ts';
import type { PipelineService } from '../../src/app/pipeline.ts';
import { createStageWorker } from '../../src/workers/stage-worker.ts';
import { silentLogger } from '../support/local-app.ts';

const sqs = mockClient(SQSClient);
const urls = {
  pm: 'https://sqs.us-east-1.amazonaws.com/1/pm',
  dev: 'https://sqs.us-east-1.amazonaws.com/1/dev',
  qa: 'https://sqs.us-east-1.amazonaws.com/1/qa',
  ops: 'https://sqs.us-east-1.amazonaws.com/1/ops',
};
const queue = new SqsStageQueue(new SQSClient({ region: 'us-east-1' }), urls);

function record(id: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:1:dev',
    awsRegion: 'us-east-1',
  };
}

beforeEach(() => sqs.reset());

describe('SQS stage worker (partial batch responses)', () => {
  it('reports only the failed records, and delays their next delivery with backoff', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const handle = vi.fn(async (message: { projectId: string }) => {
      if (message.projectId === 'bad') throw new Error('stage failed');
      return 'processed' as const;
    });
    const worker = createStageWorker({
      pipeline: { handle } as unknown as PipelineService,
      queue,
      logger: silentLogger(),
    });
    const message = (projectId: string) => ({
      projectId,
      clientId: 'c',
      stage: 'dev',
      correlationId: 'corr',
    });
    const event: SQSEvent = {
      Records: [
        record('1', message('good')),
        record('2', message('bad'), 2),
        record('3', 'not json'),
        record('4', message('good2')),
      ],
    };
    const result = await worker(event);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '3']);
    expect(handle).toHaveBeenCalledTimes(3);
    expect(handle).toHaveBeenCalledWith(message('bad'), 2);
    const delays = sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toMatchObject({ QueueUrl: urls.dev, ReceiptHandle: 'rh-2' });
    expect(delays[0]!.VisibilityTimeout).toBeGreaterThanOrEqual(0);
    expect(delays[0]!.VisibilityTimeout).toBeLessThanOrEqual(300);
  });

  it('sends each stage to its own queue with the correlation id', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    await queue.send({ projectId: 'p', clientId: 'c', stage: 'qa', correlationId: 'corr-9' });
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: urls.qa,
      MessageBody: JSON.stringify({ projectId: 'p', clientId: 'c', stage: 'qa', correlationId: 'corr-9' }),
      MessageAttributes: { correlationId: { DataType: 'String', StringValue: 'corr-9' } },
    });
  });
});
