import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCounterStore } from '../../src/adapters/aws/counter-store.ts';
import { SecretsManagerPepperSource } from '../../src/adapters/aws/secrets-pepper.ts';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { parsePeppers } from '../../src/app/peppers.ts';

let store: EmbeddedStore;
let db: ReturnType<typeof createDocumentClient>;
let counters: DynamoCounterStore;

beforeAll(async () => {
  store = await startEmbeddedStore({});
  await ensureTables(store.endpoint, { data: 'kc-data', counters: 'kc-counters' });
  db = createDocumentClient({ endpoint: store.endpoint });
  counters = new DynamoCounterStore(db, 'kc-counters');
});
afterAll(async () => {
  db.destroy();
  await store.close();
});

describe('DynamoCounterStore', () => {
  it('R6.1 the first request of a window creates the counter; the limit is never exceeded', async () => {
    expect(await counters.increment('c1', '2026-11-23T01', 2, 100)).toBe(1);
    expect(await counters.increment('c1', '2026-11-23T01', 2, 100)).toBe(2);
    expect(await counters.increment('c1', '2026-11-23T01', 2, 100)).toBeUndefined();
    expect(await counters.increment('c1', '2026-11-23T02', 2, 100)).toBe(1);
  });

  it('purges windows whose TTL passed (local mode: dynalite has no TTL deletion)', async () => {
    await counters.increment('old', 'w1', 5, 1_000);
    await counters.increment('new', 'w1', 5, 9_000_000_000);
    const removed = await counters.purgeExpired(2_000);
    expect(removed).toBeGreaterThanOrEqual(1);
    // The fresh window survives and keeps counting.
    expect(await counters.increment('new', 'w1', 5, 9_000_000_000)).toBe(2);
    expect(await counters.increment('old', 'w1', 5, 1_000)).toBe(1);
  });
});

describe('peppers', () => {
  it('parse the versioned document and reject bad ones', () => {
    const p = parsePeppers(JSON.stringify({ current: 2, 1: 'a'.repeat(16), 2: 'b'.repeat(16) }));
    expect(p.current).toBe(2);
    expect(p.byVersion.get(1)?.toString()).toBe('a'.repeat(16));
    expect(parsePeppers(JSON.stringify({ 1: 'c'.repeat(20) })).current).toBe(1);
    expect(() => parsePeppers('nope')).toThrow(/not JSON/);
    expect(() => parsePeppers(JSON.stringify({ current: 3, 1: 'a'.repeat(16) }))).toThrow(
      /current version 3/,
    );
    expect(() => parsePeppers(JSON.stringify({ 1: 'short' }))).toThrow(/16\+ characters/);
  });

  it('come from Secrets Manager in AWS mode', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'agenticai/dev/key-pepper' }).resolves({
      SecretString: JSON.stringify({ current: 1, 1: 'p'.repeat(32) }),
    });
    const source = new SecretsManagerPepperSource(
      new SecretsManagerClient({ region: 'us-east-1' }),
      'agenticai/dev/key-pepper',
    );
    expect((await source.load()).current).toBe(1);
    sm.reset();
  });
});
