import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsStageQueue } from '../../src/adapters/aws/sqs-queue.ts';
import type { HandleOutcome } from '../../src/app/pipeline.ts';
import { createStageDelivery } from '../../src/app/stage-delivery.ts';
import { STAGE_RETRY_BACKOFF as RETRY_BACKOFF } from '../../src/domain/backoff.ts';
import type { StageMessage } from '../../src/domain/pipeline.ts';
import { createStageWorker } from '../../src/workers/stage-worker.ts';
import { silentLogger } from '../support/local-app.ts';
import { SqsSimulator } from '../support/sqs-sim.ts';

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

/** The application's worker path over a scripted stage handler (3 attempts, the most jitter). */
const deliverVia = (handle: (message: StageMessage, receiveCount: number) => Promise<unknown>) =>
  createStageDelivery({
    pipeline: { maxAttempts: 3, handle: handle as (m: StageMessage, n: number) => Promise<HandleOutcome> },
    logger: silentLogger(),
    random: () => 1,
  });

describe('SQS stage worker (partial batch responses)', () => {
  it('C11 reports only the failed records, and delays their next delivery with backoff', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const handle = vi.fn(async (message: { projectId: string }) => {
      if (message.projectId === 'bad') throw new Error('stage failed');
      return 'processed' as const;
    });
    const worker = createStageWorker({
      deliver: deliverVia(handle),
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
    const delays = sqs
      .commandCalls(ChangeMessageVisibilityCommand)
      .map((c) => c.args[0].input)
      .sort((a, b) => String(a.ReceiptHandle).localeCompare(String(b.ReceiptHandle)));
    // The failed stage (2nd receive) waits its backoff; the unreadable one is visible again at once,
    // for the redrive policy to move it to the DLQ.
    expect(delays).toEqual([
      { QueueUrl: urls.dev, ReceiptHandle: 'rh-2', VisibilityTimeout: (RETRY_BACKOFF.baseMs * 2) / 1000 },
      { QueueUrl: urls.dev, ReceiptHandle: 'rh-3', VisibilityTimeout: 0 },
    ]);
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

describe('stage worker under the SQS event source mapping (simulated queues, redrive policy)', () => {
  const names = {
    pm: 'agenticai-dev-pm',
    dev: 'agenticai-dev-dev',
    qa: 'agenticai-dev-qa',
    ops: 'agenticai-dev-ops',
  };
  const setup = (
    handle: (message: { projectId: string; stage: string }, receiveCount: number) => Promise<unknown>,
  ) => {
    sqs.reset();
    const sim = new SqsSimulator(
      sqs,
      Object.values(names).map((name) => ({ name, visibilityTimeoutSeconds: 900, maxReceiveCount: 3 })),
    );
    const simQueue = new SqsStageQueue(new SQSClient({ region: 'us-east-1' }), {
      pm: sim.url(names.pm),
      dev: sim.url(names.dev),
      qa: sim.url(names.qa),
      ops: sim.url(names.ops),
    });
    const warnings: Record<string, unknown>[] = [];
    const logger = silentLogger();
    logger.warn = ((_: string, extra: Record<string, unknown>) => {
      warnings.push(extra);
    }) as typeof logger.warn;
    const worker = createStageWorker({
      deliver: deliverVia(vi.fn(handle) as never),
      queue: simQueue,
      logger,
    });
    return { sim, simQueue, worker, warnings };
  };
  const body = (projectId: string, stage = 'dev') => ({
    projectId,
    clientId: 'c',
    stage,
    correlationId: `corr-${projectId}`,
  });

  it('a batch with one failure: the others are deleted, the failure returns after its backoff with a higher receive count', async () => {
    const seen: [string, number][] = [];
    const { sim, simQueue, worker, warnings } = setup(async (m, count) => {
      seen.push([m.projectId, count]);
      if (m.projectId === 'p2') throw new Error('model unavailable');
      return 'processed';
    });
    for (const id of ['p1', 'p2', 'p3']) await simQueue.send(body(id) as never);
    const first = await sim.deliver(names.dev, worker);
    expect(first.response?.batchItemFailures).toEqual([{ itemIdentifier: first.records[1]!.messageId }]);
    expect(sim.depth(names.dev)).toBe(1);
    // The delay was set on the message's own queue (a 900 s visibility timeout would otherwise apply).
    const delay = sqs.commandCalls(ChangeMessageVisibilityCommand).at(-1)!.args[0].input;
    expect(delay.QueueUrl).toBe(sim.url(names.dev));
    expect(delay.VisibilityTimeout).toBe(RETRY_BACKOFF.baseMs / 1000);
    expect(warnings).toEqual([]);
    sim.advance(RETRY_BACKOFF.baseMs + 1);
    const second = await sim.deliver(names.dev, worker);
    expect(second.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2']);
    expect(seen).toEqual([
      ['p1', 1],
      ['p2', 1],
      ['p3', 1],
      ['p2', 2],
    ]);
  });

  it('the retry delay goes to the queue the record came from, even when the body names another stage', async () => {
    const { sim, worker, warnings } = setup(async () => {
      throw new Error('stage failed');
    });
    // A dev-stage body on the QA queue (a redrive to the wrong queue, an old message format…).
    await new SqsStageQueue(new SQSClient({ region: 'us-east-1' }), {
      pm: sim.url(names.pm),
      dev: sim.url(names.qa),
      qa: sim.url(names.qa),
      ops: sim.url(names.ops),
    }).send(body('p9', 'dev') as never);
    const result = await sim.deliver(names.qa, worker);
    // Every record failed: Powertools fails the invocation, and the whole batch stays queued.
    expect(result.error).toBeDefined();
    expect(sim.depth(names.qa)).toBe(1);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).at(-1)!.args[0].input.QueueUrl).toBe(
      sim.url(names.qa),
    );
    // No ReceiptHandleIsInvalid: the backoff really applied.
    expect(warnings).toEqual([]);
  });

  it('a record from a queue the worker does not know is reported failed and its delay problem logged, not thrown', async () => {
    const { worker, warnings } = setup(async () => {
      throw new Error('stage failed');
    });
    const stray = {
      ...record('s1', body('p1')),
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:elsewhere',
    };
    await expect(worker({ Records: [stray, record('s2', 'not json')] })).rejects.toThrow();
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
    expect(warnings.sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)))).toMatchObject([
      { event: 'retry_delay_failed', messageId: 's1', queue: 'arn:aws:sqs:us-east-1:123456789012:elsewhere' },
      { event: 'retry_delay_failed', messageId: 's2', queue: 'arn:aws:sqs:us-east-1:1:dev' },
    ]);
  });

  it('maps a stage queue ARN to its URL, and nothing else', () => {
    const { sim, simQueue } = setup(async () => 'processed');
    expect(simQueue.urlForArn(sim.arn(names.qa))).toBe(sim.url(names.qa));
    expect(simQueue.urlForArn('arn:aws:sqs:us-east-1:999999999999:agenticai-dev-qa')).toBeUndefined();
    expect(simQueue.urlForArn('arn:aws:sns:us-east-1:123456789012:agenticai-dev-qa')).toBeUndefined();
    expect(simQueue.urlForArn('not an arn')).toBeUndefined();
  });

  it('a message that keeps failing reaches the dead-letter queue after maxReceiveCount receives', async () => {
    const { sim, simQueue, worker } = setup(async () => 'processed');
    await sim.deliver(names.pm, worker);
    await simQueue.send(body('ok', 'pm') as never);
    // Unreadable: fails on every delivery, without a backoff (it would never succeed).
    const raw = new SQSClient({ region: 'us-east-1' });
    await raw.send(new SendMessageCommand({ QueueUrl: sim.url(names.pm), MessageBody: '{"projectId":' }));
    const receives: number[] = [];
    for (let round = 0; round < 5; round++) {
      const { records } = await sim.deliver(names.pm, worker);
      receives.push(
        ...records
          .filter((r) => r.body.startsWith('{"projectId":"ok') === false)
          .map((r) => Number(r.attributes.ApproximateReceiveCount)),
      );
      sim.advance(900_000 + 1);
    }
    expect(receives).toEqual([1, 2, 3]);
    expect(sim.depth(names.pm)).toBe(0);
    expect(sim.deadLetters(names.pm)).toEqual([{ body: '{"projectId":', receiveCount: 3 }]);
  });
});
