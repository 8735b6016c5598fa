import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { liveIterators, settledCount } from '../support/level-iterators.ts';

/**
 * The embedded store must not keep LevelDB iterators open after a read (patches/dynalite+4.0.0.patch):
 * dynalite 4.0.0 left one attached to the database per Query, Scan and ListTables, so an idle server
 * polling its queues grew without bound.
 */
const ROUNDS = 40;

describe.each([
  { mode: 'in memory', onDisk: false },
  { mode: 'on disk (LevelDB, as npm start runs it)', onDisk: true },
])('embedded store reads, $mode', ({ onDisk }) => {
  let dataDir: string | undefined;
  let store: EmbeddedStore;
  let db: ReturnType<typeof createDocumentClient>;
  beforeAll(async () => {
    dataDir = onDisk ? await mkdtemp(join(tmpdir(), 'agenticai-iterators-')) : undefined;
    store = await startEmbeddedStore({ dataDir });
    await ensureTables(store.endpoint, { data: 'it-data', counters: 'it-counters', queues: 'it-queues' });
    db = createDocumentClient({ endpoint: store.endpoint });
    for (let i = 0; i < 5; i++) {
      await db.send(
        new PutCommand({ TableName: 'it-queues', Item: { PK: 'pm', SK: `m${i}`, visibleAt: i } }),
      );
    }
  });
  afterAll(async () => {
    db.destroy();
    await store.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const reads = {
    'Query with Limit (a page)': () =>
      db.send(
        new QueryCommand({
          TableName: 'it-queues',
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'pm' },
          Limit: 2,
        }),
      ),
    'Query with a filter and no match (an idle queue poll)': () =>
      db.send(
        new QueryCommand({
          TableName: 'it-queues',
          KeyConditionExpression: 'PK = :pk',
          FilterExpression: 'visibleAt <= :now',
          ExpressionAttributeValues: { ':pk': 'pm', ':now': -1 },
        }),
      ),
    'Query of an empty partition': () =>
      db.send(
        new QueryCommand({
          TableName: 'it-queues',
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'nobody' },
        }),
      ),
    Scan: () => db.send(new ScanCommand({ TableName: 'it-queues' })),
    ListTables: () => db.send(new ListTablesCommand({})),
  };

  it(`Query (pages, filters, empty partitions), Scan and ListTables leave no LevelDB iterator open`, async () => {
    for (const read of Object.values(reads)) await read();
    const baseline = liveIterators();
    for (let i = 0; i < ROUNDS; i++) for (const read of Object.values(reads)) await read();
    // With the leak every read keeps at least one iterator: ROUNDS × 5 more, and it never comes back.
    expect(await settledCount(baseline)).toBeLessThanOrEqual(baseline);
  });

  it('ListTables still lists exactly the tables (it reads only its own key range)', async () => {
    const { TableNames } = await db.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(['it-counters', 'it-data', 'it-queues']);
    const page = await db.send(new ListTablesCommand({ ExclusiveStartTableName: 'it-counters' }));
    expect(page.TableNames).toEqual(['it-data', 'it-queues']);
  });
});
