import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../src/adapters/aws/dynamo.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { LocalStageQueue } from '../../src/adapters/local/store-queue.ts';
import { systemClock } from '../../src/app/ports.ts';
import { manualClock } from '../support/local-app.ts';
import { waitFor } from '../support/wait.ts';

let store: EmbeddedStore;
let db: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  store = await startEmbeddedStore({});
  await ensureTables(store.endpoint, { data: 'q-data', counters: 'q-counters', queues: 'q-queues' });
  db = createDocumentClient({ endpoint: store.endpoint });
});
afterAll(async () => {
  db.destroy();
  await store.close();
});

describe('local stage queue', () => {
  it('stop() waits for the poll under way: nothing is delivered after it returns, and nothing is lost', async () => {
    const queue = new LocalStageQueue(db, 'q-queues', systemClock, { pollIntervalMs: 1, concurrency: 2 });
    for (let i = 0; i < 30; i++) {
      await queue.send({ projectId: `p${i}`, clientId: 'c', stage: 'pm', correlationId: 'x' });
    }
    const handled: string[] = [];
    queue.start(async (message) => {
      await new Promise((r) => setTimeout(r, 5));
      handled.push(message.projectId);
    });
    await new Promise((r) => setTimeout(r, 15));
    await queue.stop();
    const atStop = handled.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(handled.length).toBe(atStop);
    // Every message was either handled (and deleted) or is still waiting.
    expect((await queue.depth('pm')) + handled.length).toBe(30);
  });

  it('a delayed message becomes visible only after its delay', async () => {
    // The queue's clock stands still until the test moves it: how long polls take on a loaded
    // machine cannot change what is visible.
    const clock = manualClock('2026-11-23T10:00:00Z');
    const queue = new LocalStageQueue(db, 'q-queues', clock, { pollIntervalMs: 5 });
    await queue.send(
      { projectId: 'later', clientId: 'c', stage: 'qa', correlationId: 'x' },
      { delaySeconds: 1 },
    );
    const handled: string[] = [];
    queue.start(async (m) => {
      handled.push(m.projectId);
    });
    const deliveredSoon = async (projectId: string) => {
      await queue.send({ projectId, clientId: 'c', stage: 'qa', correlationId: 'x' });
      await waitFor(async () => (handled.includes(projectId) ? true : undefined));
    };
    // An undelayed message sent at the same instant is delivered by a poll that skips `later`…
    await deliveredSoon('now');
    clock.advance(999);
    // …and so is one a millisecond before the delay ends.
    await deliveredSoon('almost');
    expect(handled).not.toContain('later');
    clock.advance(1);
    await waitFor(async () => (handled.includes('later') ? true : undefined));
    await queue.stop();
  });
});
