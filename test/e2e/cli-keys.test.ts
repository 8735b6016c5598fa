import { rm } from 'node:fs/promises';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStores } from '../../src/composition/local.ts';
import { loadConfig } from '../../src/config.ts';
import { runCli, type ServerProcess, startServer, tempDataDir } from '../support/server-process.ts';

let dir: string;
let server: ServerProcess;
const env = () => ({ AGENTICAI_DATA_DIR: dir });
const cli = (...args: string[]) => runCli(args, env());
const json = async <T = Record<string, unknown>>(...args: string[]) => {
  const res = await cli(...args, '--json');
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as T;
};

beforeAll(async () => {
  dir = await tempDataDir();
  server = await startServer({ AGENTICAI_DATA_DIR: dir, AUTH_CACHE_TTL_SECONDS: '0' });
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const health = (key: string) => fetch(`${server.url}/health`, { headers: { 'x-api-key': key } });

describe('agenticai keys / clients (against a running local server)', () => {
  it('R1.4 keys create --json prints keyId, key and a new clientId; the key works at once', async () => {
    const created = await json<{ keyId: string; key: string; clientId: string; hourlyLimit: number }>(
      'keys',
      'create',
      '--name',
      'ci-bot',
      '--hourly-limit',
      '7',
    );
    expect(created.key).toMatch(new RegExp(`^agk_${created.keyId}_`));
    expect(created.clientId).toMatch(/^cl-/);
    expect(created.hourlyLimit).toBe(7);
    const res = await health(created.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('7');
  });

  it('--client adds a key to an existing client; an unknown client is exit 1', async () => {
    const first = await json<{ clientId: string }>('keys', 'create', '--name', 'a');
    const second = await json<{ clientId: string }>(
      'keys',
      'create',
      '--name',
      'b',
      '--client',
      first.clientId,
    );
    expect(second.clientId).toBe(first.clientId);
    const missing = await cli('keys', 'create', '--name', 'c', '--client', 'cl-doesnotexist');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/client cl-doesnotexist does not exist/);
    const ambiguous = await cli(
      'keys',
      'create',
      '--name',
      'c',
      '--client',
      first.clientId,
      '--hourly-limit',
      '5',
    );
    expect(ambiguous.code).toBe(2);
  });

  it('keys list and show never print secrets or hashes', async () => {
    const created = await json<{ keyId: string; key: string }>('keys', 'create', '--name', 'listed');
    const list = await json<Record<string, unknown>[]>('keys', 'list');
    expect(list.map((k) => k.keyId)).toContain(created.keyId);
    const human = await cli('keys', 'list');
    const shown = await json('keys', 'show', created.keyId);
    for (const text of [JSON.stringify(list), human.stdout, JSON.stringify(shown)]) {
      expect(text).not.toContain(created.key.split('_')[2]);
      expect(text).not.toMatch(/"hash"/);
    }
    expect(shown).toMatchObject({ keyId: created.keyId, state: 'active', name: 'listed' });
  });

  it('keys rotate: a new key for the same client; the old one works through the grace period; expired keys refuse', async () => {
    const created = await json<{ keyId: string; key: string; clientId: string }>(
      'keys',
      'create',
      '--name',
      'rot',
    );
    const rotated = await json<{
      keyId: string;
      key: string;
      clientId: string;
      previousKeyExpiresAt: string;
    }>('keys', 'rotate', created.keyId, '--grace', '1h');
    expect(rotated.clientId).toBe(created.clientId);
    expect(rotated.keyId).not.toBe(created.keyId);
    expect((await health(rotated.key)).status).toBe(200);
    expect((await health(created.key)).status).toBe(200);

    const immediate = await json<{ keyId: string; key: string }>(
      'keys',
      'rotate',
      rotated.keyId,
      '--grace',
      '0',
    );
    expect((await health(rotated.key)).status).toBe(403);
    expect((await health(immediate.key)).status).toBe(200);
    const again = await cli('keys', 'rotate', rotated.keyId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/expired and cannot be rotated/);
  });

  it('keys revoke: the key is refused (403) and a second revoke reports it', async () => {
    const created = await json<{ keyId: string; key: string }>('keys', 'create', '--name', 'rev');
    expect((await health(created.key)).status).toBe(200);
    const revoked = await json<{ alreadyRevoked: boolean }>('keys', 'revoke', created.keyId);
    expect(revoked.alreadyRevoked).toBe(false);
    expect((await health(created.key)).status).toBe(403);
    expect((await json<{ alreadyRevoked: boolean }>('keys', 'revoke', created.keyId)).alreadyRevoked).toBe(
      true,
    );
    const rotate = await cli('keys', 'rotate', created.keyId);
    expect(rotate.code).toBe(1);
  });

  it('clients list, show and set-limit', async () => {
    const created = await json<{ keyId: string; key: string; clientId: string }>(
      'keys',
      'create',
      '--name',
      'cl',
    );
    const clients = await json<{ clientId: string }[]>('clients', 'list');
    expect(clients.map((c) => c.clientId)).toContain(created.clientId);
    expect(await json('clients', 'set-limit', created.clientId, '42')).toEqual({
      clientId: created.clientId,
      hourlyLimit: 42,
    });
    const shown = await json<{ hourlyLimit: number; keys: { keyId: string }[] }>(
      'clients',
      'show',
      created.clientId,
    );
    expect(shown.hourlyLimit).toBe(42);
    expect(shown.keys.map((k) => k.keyId)).toEqual([created.keyId]);
    expect((await health(created.key)).headers.get('x-ratelimit-limit')).toBe('42');
    expect((await cli('clients', 'set-limit', 'cl-nobody', '5')).code).toBe(1);
  });

  it('unknown keys exit 1; bad arguments exit 2 with a clear message', async () => {
    const unknown = await cli('keys', 'show', 'AAAAAAAAAAAAAAAA');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/does not exist/);
    for (const args of [
      ['keys', 'show', 'short'],
      ['keys', 'create'],
      ['keys', 'create', '--name', 'x', '--hourly-limit', '0'],
      ['keys', 'create', '--name', 'x', '--expires', 'soon'],
      ['keys', 'rotate', 'AAAAAAAAAAAAAAAA', '--grace', '1y'],
      ['clients', 'set-limit', 'cl-x', 'many'],
      ['--env', 'mars', 'keys', 'list'],
    ]) {
      const res = await cli(...args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/error:/);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('agenticai keys without a running server', () => {
  it('works on the data dir directly, and each command leaves an audit line', async () => {
    const offline = await tempDataDir();
    // Audit items are partitioned by UTC day; a run across midnight spans two partitions.
    const firstDay = new Date().toISOString().slice(0, 10);
    try {
      const created = JSON.parse(
        (await runCli(['keys', 'create', '--name', 'off', '--json'], { AGENTICAI_DATA_DIR: offline })).stdout,
      ) as { keyId: string };
      expect((await runCli(['keys', 'revoke', created.keyId], { AGENTICAI_DATA_DIR: offline })).code).toBe(0);
      expect((await runCli(['keys', 'list'], { AGENTICAI_DATA_DIR: offline })).code).toBe(0);

      const config = loadConfig({ AGENTICAI_DATA_DIR: offline });
      const stores = await openLocalStores(config, { shared: true });
      try {
        const Items = [];
        for (const day of new Set([firstDay, new Date().toISOString().slice(0, 10)])) {
          const page = await stores.db.send(
            new QueryCommand({
              TableName: config.dataTableName,
              KeyConditionExpression: 'PK = :pk',
              ExpressionAttributeValues: { ':pk': `AUDIT#${day}` },
            }),
          );
          Items.push(...(page.Items ?? []));
        }
        expect(Items.map((i) => i.action)).toEqual(['client.create', 'key.create', 'key.revoke', 'key.list']);
        expect(Items.every((i) => String(i.actor).startsWith('local'))).toBe(true);
        expect(JSON.stringify(Items)).not.toContain('agk_');
      } finally {
        await stores.close();
      }
    } finally {
      await rm(offline, { recursive: true, force: true });
    }
  });
});
