import { Logger } from '@aws-lambda-powertools/logger';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { LocalStageQueue } from '../../src/adapters/local/store-queue.ts';
import type { DeliveryDecision, StageDelivery } from '../../src/app/stage-delivery.ts';
import type { StageMessage } from '../../src/domain/pipeline.ts';
import type { Stage } from '../../src/domain/project.ts';
import { virtualTime } from '../support/virtual-time.ts';

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

/** Each test gets its own table, so no test sees another's messages. */
let table: string;
let tables = 0;
beforeEach(async () => {
  table = `q-queues-${++tables}`;
  await ensureTables(store.endpoint, { data: `${table}-d`, counters: `${table}-c`, queues: table });
});

const message = (projectId: string, stage: Stage = 'pm'): StageMessage => ({
  projectId,
  clientId: 'c',
  stage,
  correlationId: 'x',
});

const done: DeliveryDecision = { action: 'done', outcome: 'processed' };

const recorder = (time: ReturnType<typeof virtualTime>) => {
  const handled: { projectId: string; at: number }[] = [];
  const handler = async ({ body }: StageDelivery): Promise<DeliveryDecision> => {
    handled.push({ projectId: (body as StageMessage).projectId, at: time.elapsed() });
    return done;
  };
  return { handled, handler };
};

/** A queue on the shared store driven by virtual time (its clock and its timers). */
const virtualQueue = (
  time: ReturnType<typeof virtualTime>,
  opts: Partial<ConstructorParameters<typeof LocalStageQueue>[0]> = {},
) => new LocalStageQueue({ db, tableName: table, clock: time.clock, timers: time.timers, ...opts });

describe('local stage queue', () => {
  it('idle stages poll less and less often: the interval doubles from pollIntervalMs up to maxPollIntervalMs', async () => {
    const time = virtualTime();
    const queue = virtualQueue(time, { pollIntervalMs: 100, maxPollIntervalMs: 2_000 });
    queue.start(async () => done);
    await time.advance(9_200, queue);
    await queue.stop();
    // Every stage polls at these instants (four stages: each instant appears four times).
    expect([...new Set(time.fired)]).toEqual([0, 100, 300, 700, 1_500, 3_100, 5_100, 7_100, 9_100]);
    expect(time.fired).toHaveLength(9 * 4);
    expect(time.pending.size).toBe(0);
  });

  it('send() on the same queue wakes its stage at once and resets the backoff', async () => {
    const time = virtualTime();
    const queue = virtualQueue(time);
    const { handled, handler } = recorder(time);
    queue.start(handler);
    await time.advance(20_000, queue); // long idle: every stage is at the longest interval
    await queue.send(message('now'));
    await time.advance(0, queue);
    expect(handled).toEqual([{ projectId: 'now', at: 20_000 }]);
    // Activity resets the interval: the stage polls again after pollIntervalMs, not 2 s.
    const before = time.fired.length;
    await time.advance(100, queue);
    expect(time.fired.slice(before)).toContain(20_100);
    await queue.stop();
  });

  it('a message sent by another process (the CLI redrive) is received within maxPollIntervalMs', async () => {
    const time = virtualTime();
    const queue = virtualQueue(time, { maxPollIntervalMs: 2_000 });
    const { handled, handler } = recorder(time);
    queue.start(handler);
    await time.advance(20_000, queue);
    // Another process: its own queue object on the same store, never started.
    const cli = new LocalStageQueue({ db, tableName: table, clock: time.clock });
    await cli.send(message('from-cli', 'dev'));
    await time.advance(2_000, queue);
    await queue.stop();
    expect(handled).toHaveLength(1);
    expect(handled[0]!.projectId).toBe('from-cli');
    expect(handled[0]!.at - 20_000).toBeGreaterThan(0);
    expect(handled[0]!.at - 20_000).toBeLessThanOrEqual(2_000);
  });

  it('a delayed message is received when it becomes visible, not before, even while the stage backs off', async () => {
    const time = virtualTime();
    const queue = virtualQueue(time, { maxPollIntervalMs: 60_000 });
    const { handled, handler } = recorder(time);
    queue.start(handler);
    await time.advance(1_000, queue);
    await queue.send(message('later', 'qa'), { delaySeconds: 5 });
    await time.advance(4_999, queue);
    expect(handled).toEqual([]);
    await time.advance(1, queue);
    expect(handled).toEqual([{ projectId: 'later', at: 6_000 }]);
    await queue.stop();
  });

  it('a visible message behind more than a page (100) of delayed ones is received', async () => {
    const time = virtualTime();
    const queue = virtualQueue(time);
    for (let i = 0; i < 150; i++) await queue.send(message(`delayed-${i}`), { delaySeconds: 3_600 });
    await queue.send(message('visible'));
    const { handled, handler } = recorder(time);
    queue.start(handler);
    await time.advance(0, queue);
    await queue.stop();
    expect(handled.map((h) => h.projectId)).toEqual(['visible']);
    expect(await queue.depth('pm')).toBe(150);
  });

  it('carries out the decisions: retry after its delay, then dead-letter; listDlq and depth read every page', async () => {
    const time = virtualTime();
    const queue = new LocalStageQueue({ db, tableName: table, clock: time.clock, timers: time.timers });
    const attempts: number[] = [];
    queue.start(async ({ receiveCount }) => {
      attempts.push(receiveCount);
      return receiveCount < 2
        ? { action: 'retry', delayMs: 1_000, reason: 'Error: stage failed' }
        : { action: 'dead-letter', reason: 'Error: stage failed' };
    });
    await queue.send(message('doomed', 'ops'));
    await time.advance(999, queue);
    expect(attempts).toEqual([1]);
    await time.advance(1, queue);
    await queue.stop();
    expect(attempts).toEqual([1, 2]);
    expect(await queue.depth('ops')).toBe(0);

    // Six dead letters of ~300 KB: more than one 1 MB Query page.
    const big = 'x'.repeat(300_000);
    for (let i = 0; i < 6; i++) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            PK: 'dlq#ops',
            SK: `dead-${i}`,
            body: message(`dead-${i}`, 'ops'),
            receiveCount: 2,
            failedAt: '2026-11-23T10:00:00.000Z',
            error: big,
          },
        }),
      );
    }
    const dead = await queue.listDlq('ops');
    expect(dead.map((d) => d.body.projectId).sort()).toEqual([
      'dead-0',
      'dead-1',
      'dead-2',
      'dead-3',
      'dead-4',
      'dead-5',
      'doomed',
    ]);
    // depth counts past the first 1 MB page too.
    for (let i = 0; i < 6; i++) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            PK: 'qa',
            SK: `waiting-${i}`,
            body: message(`w${i}`, 'qa'),
            receiveCount: 0,
            visibleAt: 0,
            pad: big,
          },
        }),
      );
    }
    expect(await queue.depth('qa')).toBe(6);
    expect(dead.find((d) => d.body.projectId === 'doomed')).toMatchObject({
      receiveCount: 2,
      error: 'Error: stage failed',
    });
  });

  it('stop() waits for the handlers under way: nothing is delivered after it returns, and nothing is lost', async () => {
    const time = virtualTime();
    const queue = virtualQueue(time, { concurrency: 2 });
    for (let i = 0; i < 30; i++) await queue.send(message(`p${i}`));
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let bothStarted!: () => void;
    const started = new Promise<void>((r) => {
      bothStarted = r;
    });
    let running = 0;
    queue.start(async ({ body }) => {
      if (++running === 2) bothStarted();
      await gate;
      handled.push((body as StageMessage).projectId);
      return done;
    });
    // Fire the first polls without waiting for the handlers, which stay blocked until released.
    for (const [id, t] of [...time.pending]) {
      time.pending.delete(id);
      t.callback();
    }
    await started;
    const stopped = queue.stop();
    release();
    await stopped;
    expect(handled).toEqual(['p0', 'p1']);
    // No timer is left to deliver anything, and every message was handled or is still waiting.
    expect(time.pending.size).toBe(0);
    expect((await queue.depth('pm')) + handled.length).toBe(30);
  });
});

describe('local stage queue during a store outage (issue 19)', () => {
  it('logs one warning when polling starts failing (error code, no stack), repeats at most once a minute, and one line on recovery', async () => {
    const time = virtualTime();
    // Its own client to the store, which the test can cut off: every command fails with EIO.
    const flaky = createDocumentClient({ endpoint: store.endpoint });
    let down = false;
    flaky.middlewareStack.add(
      (next) => async (args) => {
        if (down) throw Object.assign(new Error('IO error: disk gone'), { code: 'LEVEL_IO_ERROR' });
        return next(args);
      },
      { step: 'initialize', name: 'storeOutage' },
    );
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const logger = new Logger({ serviceName: 'queue-test', logLevel: 'INFO' });
    const queue = new LocalStageQueue({
      db: flaky,
      tableName: table,
      clock: time.clock,
      timers: time.timers,
      logger,
      maxPollIntervalMs: 2_000,
      failureLogIntervalMs: 60_000,
    });
    try {
      queue.start(async () => done);
      await time.advance(1_000, queue);
      down = true;
      await time.advance(150_000, queue); // 2.5 minutes of failing polls on every stage
      down = false;
      await time.advance(3_000, queue);
      await queue.stop();
    } finally {
      out.mockRestore();
      err.mockRestore();
      flaky.destroy();
    }
    const entries = lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l));
    const events = entries.filter(
      (e) => e.event === 'queue_poll_failing' || e.event === 'queue_poll_recovered',
    );
    // Hundreds of failed polls; three lines about them: the first, one a minute later, two minutes later…
    expect(events.map((e) => [e.level, e.event, e.code])).toEqual([
      ['WARN', 'queue_poll_failing', 'LEVEL_IO_ERROR'],
      ['WARN', 'queue_poll_failing', 'LEVEL_IO_ERROR'],
      ['WARN', 'queue_poll_failing', 'LEVEL_IO_ERROR'],
      ['INFO', 'queue_poll_recovered', undefined],
    ]);
    expect(events[1].failures).toBeGreaterThan(4);
    expect(events[3]).toMatchObject({
      message: 'stage queue polling recovered',
      failures: expect.any(Number),
    });
    expect(events[3].outageMs).toBeGreaterThan(145_000);
    // No stack trace anywhere in what was logged.
    expect(lines.join('')).not.toMatch(/\bat .+\(.+:\d+:\d+\)|"stack"/);
  });
});
