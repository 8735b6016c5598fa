import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../src/adapters/aws/dynamo.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { LocalStageQueue } from '../../src/adapters/local/store-queue.ts';
import { systemClock } from '../../src/app/ports.ts';

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
    const queue = new LocalStageQueue(db, 'q-queues', systemClock, { pollIntervalMs: 5 });
    await queue.send(
      { projectId: 'later', clientId: 'c', stage: 'qa', correlationId: 'x' },
      { delaySeconds: 1 },
    );
    const handled: string[] = [];
    queue.start(async (m) => {
      handled.push(m.projectId);
    });
    // (The first test's remaining messages share the table; only `later` matters here.)
    await new Promise((r) => setTimeout(r, 300));
    expect(handled).not.toContain('later');
    await new Promise((r) => setTimeout(r, 1000));
    await queue.stop();
    expect(handled).toContain('later');
  });
});
