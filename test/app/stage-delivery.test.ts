import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsStageQueue } from '../../src/adapters/aws/sqs-queue.ts';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { LocalStageQueue } from '../../src/adapters/local/store-queue.ts';
import { type HandleOutcome, INFRA_RETRY_BACKOFF } from '../../src/app/pipeline.ts';
import {
  createStageDelivery,
  type DeliveryDecision,
  parseStageMessage,
  type StageDelivery,
} from '../../src/app/stage-delivery.ts';
import { STAGE_RETRY_BACKOFF } from '../../src/domain/backoff.ts';
import type { StageMessage } from '../../src/domain/pipeline.ts';
import { createStageWorker } from '../../src/workers/stage-worker.ts';
import { silentLogger } from '../support/local-app.ts';
import { SqsSimulator } from '../support/sqs-sim.ts';
import { virtualTime } from '../support/virtual-time.ts';

/**
 * The one worker path (issue 10): the same scripted stage, run once behind the local store queue
 * and once behind the SQS handler under the event source mapping's events (simulated queues with
 * the deployed redrive policy), must get the same decisions and the same delays.
 */
const MAX_ATTEMPTS = 3;
const sqs = mockClient(SQSClient);
const names = {
  pm: 'agenticai-dev-pm',
  dev: 'agenticai-dev-dev',
  qa: 'agenticai-dev-qa',
  ops: 'agenticai-dev-ops',
};

let store: EmbeddedStore;
let db: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  store = await startEmbeddedStore({});
  db = createDocumentClient({ endpoint: store.endpoint });
});
afterAll(async () => {
  db.destroy();
  await store.close();
});
let table: string;
let tables = 0;
beforeEach(async () => {
  table = `delivery-queues-${++tables}`;
  await ensureTables(store.endpoint, { data: `${table}-d`, counters: `${table}-c`, queues: table });
});

const message: StageMessage = { projectId: 'p1', clientId: 'c1', stage: 'pm', correlationId: 'corr-1' };
const workFailure = () => Object.assign(new Error('the model refused'), { name: 'ModelError' });
const storeOutage = () => Object.assign(new Error('i/o error'), { code: 'EIO' });

/** A stage whose n-th call (1-based, across deliveries) does `script(n)`; records what it saw. */
function scriptedStage(script: (call: number) => HandleOutcome | Error) {
  const seen: { receiveCount: number; infraRetries?: number }[] = [];
  const handle = async (m: StageMessage, receiveCount: number) => {
    seen.push({ receiveCount, ...(m.infraRetries !== undefined && { infraRetries: m.infraRetries }) });
    const result = script(seen.length);
    if (result instanceof Error) throw result;
    return result;
  };
  const decisions: DeliveryDecision[] = [];
  const inner = createStageDelivery({
    pipeline: { maxAttempts: MAX_ATTEMPTS, handle },
    logger: silentLogger(),
    // The largest jitter, so every delay is the ceiling of its backoff step.
    random: () => 1,
  });
  const deliver = async (d: StageDelivery) => {
    const decision = await inner(d);
    decisions.push(decision);
    return decision;
  };
  return { deliver, seen, decisions };
}

function localPath(script: (call: number) => HandleOutcome | Error) {
  const time = virtualTime();
  const queue = new LocalStageQueue({ db, tableName: table, clock: time.clock, timers: time.timers });
  const stage = scriptedStage(script);
  queue.start(stage.deliver);
  return { ...stage, time, queue, advance: (ms: number) => time.advance(ms, queue) };
}

function sqsPath(script: (call: number) => HandleOutcome | Error) {
  sqs.reset();
  const sim = new SqsSimulator(
    sqs,
    Object.values(names).map((name) => ({
      name,
      visibilityTimeoutSeconds: 1800,
      maxReceiveCount: MAX_ATTEMPTS,
    })),
  );
  const queue = new SqsStageQueue(new SQSClient({ region: 'us-east-1' }), {
    pm: sim.url(names.pm),
    dev: sim.url(names.dev),
    qa: sim.url(names.qa),
    ops: sim.url(names.ops),
  });
  const stage = scriptedStage(script);
  const worker = createStageWorker({ deliver: stage.deliver, queue, logger: silentLogger() });
  return { ...stage, sim, queue, poll: () => sim.deliver(names.pm, worker) };
}

const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout);

describe('one worker path: the same decision on the local queue and under SQS (issue 10)', () => {
  it('C10 C11 a failing stage: retried after the same backoff on both paths, then dead-lettered after the same attempts', async () => {
    const local = localPath(() => workFailure());
    await local.queue.send(message);
    await local.advance(0);
    await local.advance(STAGE_RETRY_BACKOFF.baseMs - 1);
    expect(local.seen).toHaveLength(1); // not before its backoff
    await local.advance(1);
    await local.advance(STAGE_RETRY_BACKOFF.baseMs * 2);
    await local.queue.stop();
    expect(await local.queue.depth('pm')).toBe(0);
    expect(await local.queue.listDlq('pm')).toMatchObject([
      { body: message, receiveCount: 3, error: 'ModelError: the model refused' },
    ]);

    const aws = sqsPath(() => workFailure());
    await aws.queue.send(message);
    await aws.poll();
    aws.sim.advance(STAGE_RETRY_BACKOFF.baseMs - 1);
    expect((await aws.poll()).records).toHaveLength(0); // not before its backoff
    aws.sim.advance(1);
    await aws.poll();
    aws.sim.advance(STAGE_RETRY_BACKOFF.baseMs * 2);
    await aws.poll();
    // The last decision made it visible at once: the next receive moves it to the DLQ (redrive).
    expect((await aws.poll()).records).toHaveLength(0);
    expect(aws.sim.deadLetters(names.pm)).toEqual([{ body: JSON.stringify(message), receiveCount: 3 }]);
    expect(visibilityChanges()).toEqual([5, 10, 0]);

    const expected: DeliveryDecision[] = [
      { action: 'retry', delayMs: STAGE_RETRY_BACKOFF.baseMs, reason: 'ModelError: the model refused' },
      { action: 'retry', delayMs: STAGE_RETRY_BACKOFF.baseMs * 2, reason: 'ModelError: the model refused' },
      { action: 'dead-letter', reason: 'ModelError: the model refused' },
    ];
    expect(local.decisions).toEqual(expected);
    expect(aws.decisions).toEqual(expected);
    expect(local.seen.map((s) => s.receiveCount)).toEqual([1, 2, 3]);
    expect(aws.seen).toEqual(local.seen);
  });

  it('C10 R12 an infrastructure failure never spends an attempt on either path: more outages than attempts, then done', async () => {
    // Four outages in a row (more than the 3 attempts and the redrive's maxReceiveCount), then success.
    const script = (call: number) => (call <= 4 ? storeOutage() : ('processed' as const));
    const delays = [1, 2, 3, 4].map((n) =>
      Math.min(INFRA_RETRY_BACKOFF.capMs, INFRA_RETRY_BACKOFF.baseMs * 2 ** (n - 1)),
    );

    const local = localPath(script);
    await local.queue.send(message);
    await local.advance(0);
    for (const delay of delays) await local.advance(delay);
    await local.queue.stop();
    expect(await local.queue.depth('pm')).toBe(0);
    expect(await local.queue.listDlq('pm')).toEqual([]);

    const aws = sqsPath(script);
    await aws.queue.send(message);
    await aws.poll();
    for (const delay of delays) {
      aws.sim.advance(delay);
      const { records, response } = await aws.poll();
      expect(records).toHaveLength(1);
      expect(response?.batchItemFailures).toEqual([]); // a fresh copy replaced it
    }
    expect(aws.sim.depth(names.pm)).toBe(0);
    expect(aws.sim.deadLetters(names.pm)).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.DelaySeconds ?? 0)).toEqual([
      0,
      ...delays.map((d) => d / 1000),
    ]);

    // Every delivery was the message's first: the outages left no trace on its receive count.
    const seen = [
      { receiveCount: 1 },
      ...[1, 2, 3, 4].map((infraRetries) => ({ receiveCount: 1, infraRetries })),
    ];
    expect(local.seen).toEqual(seen);
    expect(aws.seen).toEqual(seen);
    const actions = ['requeue', 'requeue', 'requeue', 'requeue', 'done'];
    expect(local.decisions.map((d) => d.action)).toEqual(actions);
    expect(aws.decisions).toEqual(local.decisions);
  });

  it('C10 an unreadable message is parsed on both paths and dead-lettered, never handed to the stage', async () => {
    const local = localPath(() => 'processed');
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { PK: 'pm', SK: '00-garbage', body: { projectId: 42 }, receiveCount: 0, visibleAt: 0 },
      }),
    );
    await local.advance(0);
    await local.queue.stop();
    expect(await local.queue.listDlq('pm')).toMatchObject([
      { body: { projectId: 42 }, receiveCount: 1, error: 'MalformedStageMessage: malformed stage message' },
    ]);

    const aws = sqsPath(() => 'processed');
    await new SQSClient({ region: 'us-east-1' }).send(
      new SendMessageCommand({ QueueUrl: aws.sim.url(names.pm), MessageBody: '{"projectId":42}' }),
    );
    for (let i = 0; i < MAX_ATTEMPTS + 1; i++) await aws.poll();
    expect(aws.sim.deadLetters(names.pm)).toEqual([{ body: '{"projectId":42}', receiveCount: 3 }]);

    expect(local.seen).toEqual([]);
    expect(aws.seen).toEqual([]);
    expect(local.decisions).toEqual([
      { action: 'dead-letter', reason: 'MalformedStageMessage: malformed stage message' },
    ]);
    expect(new Set(aws.decisions.map((d) => JSON.stringify(d)))).toEqual(
      new Set(local.decisions.map((d) => JSON.stringify(d))),
    );
  });

  it('parses JSON text and stored objects alike, and refuses anything that is not a stage message', () => {
    expect(parseStageMessage(JSON.stringify(message))).toEqual(message);
    expect(parseStageMessage({ ...message, infraRetries: 2 })).toEqual({ ...message, infraRetries: 2 });
    for (const bad of [
      'not json',
      null,
      7,
      { ...message, stage: 'deploy' },
      { ...message, infraRetries: -1 },
    ]) {
      expect(() => parseStageMessage(bad)).toThrow(/stage message/);
    }
  });
});
