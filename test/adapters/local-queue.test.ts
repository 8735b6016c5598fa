import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { LocalStageQueue, type QueueTimers } from '../../src/adapters/local/store-queue.ts';
import type { DeliveryDecision, StageDelivery } from '../../src/app/stage-delivery.ts';
import type { StageMessage } from '../../src/domain/pipeline.ts';
import type { Stage } from '../../src/domain/project.ts';

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

/**
 * Virtual time shared by the queue's clock and its timers: `advance` fires due timers in order and
 * waits for the polls and deliveries they start before moving on. No real-clock margins.
 */
function virtualTime(startMs = Date.parse('2026-11-23T10:00:00Z')) {
  let now = startMs;
  let seq = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const fired: number[] = [];
  const timers: QueueTimers = {
    set(callback, ms) {
      pending.set(++seq, { at: now + ms, callback });
      return seq;
    },
    clear(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    clock: { now: () => new Date(now) },
    timers,
    pending,
    /** Virtual times (ms since start) at which timers fired. */
    fired,
    elapsed: () => now - startMs,
    async advance(ms: number, queue: LocalStageQueue) {
      const target = now + ms;
      await queue.whenSettled();
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = Math.max(now, due[1].at);
        fired.push(now - startMs);
        due[1].callback();
        await queue.whenSettled();
      }
      now = target;
    },
  };
}

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

describe('local stage queue', () => {
  it('idle stages poll less and less often: the interval doubles from pollIntervalMs up to maxPollIntervalMs', async () => {
    const time = virtualTime();
    const queue = new LocalStageQueue({
      db,
      tableName: table,
      clock: time.clock,
      pollIntervalMs: 100,
      maxPollIntervalMs: 2_000,
      timers: time.timers,
    });
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
    const queue = new LocalStageQueue({
      db,
      tableName: table,
      clock: time.clock,
      timers: time.timers,
    });
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
    const queue = new LocalStageQueue({
      db,
      tableName: table,
      clock: time.clock,
      maxPollIntervalMs: 2_000,
      timers: time.timers,
    });
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
    const queue = new LocalStageQueue({
      db,
      tableName: table,
      clock: time.clock,
      maxPollIntervalMs: 60_000,
      timers: time.timers,
    });
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
    const queue = new LocalStageQueue({
      db,
      tableName: table,
      clock: time.clock,
      timers: time.timers,
    });
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
    const queue = new LocalStageQueue({
      db,
      tableName: table,
      clock: time.clock,
      concurrency: 2,
      timers: time.timers,
    });
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
