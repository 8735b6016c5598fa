import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../src/adapters/local/embedded-dynamo.ts';
import {
  createBackup,
  listBackups,
  resolveBackup,
  restoreBackup,
} from '../../src/composition/local-backup.ts';
import { openLocalStores } from '../../src/composition/local-stores.ts';
import { loadConfig } from '../../src/config.ts';
import { tempDataDir } from '../support/server-process.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const ITEM = {
  PK: { S: 'TEST#binary' },
  SK: { S: 'TEST#binary' },
  raw: { B: Uint8Array.from([0, 1, 2, 255]) },
  set: { BS: [Uint8Array.from([9]), Uint8Array.from([8, 7])] },
  nested: {
    M: { list: { L: [{ B: Uint8Array.from([42]) }, { N: '1.5' }, { NULL: true }, { SS: ['a', 'b'] }] } },
  },
};

async function withStore<T>(config: ReturnType<typeof loadConfig>, work: (endpoint: string) => Promise<T>) {
  const stores = await openLocalStores(config);
  try {
    return await work(stores.store.endpoint);
  } finally {
    await stores.close();
  }
}

async function setup() {
  const dataDir = await tempDataDir();
  dirs.push(dataDir);
  const config = loadConfig({ AGENTICAI_DATA_DIR: dataDir });
  await withStore(config, async (endpoint) => {
    const client = localDynamoClient(endpoint);
    await client.send(new PutItemCommand({ TableName: config.dataTableName, Item: ITEM }));
    client.destroy();
  });
  return { dataDir, config };
}

describe('R7.5 local backups, in detail', () => {
  it('R7.5 binary, set, nested and null attributes come back exactly', async () => {
    const { dataDir, config } = await setup();
    const { dir } = await createBackup(config, {
      to: join(dirname(dataDir), `${dataDir.split('/').pop()}-b`),
    });
    dirs.push(dir);
    await rm(dataDir, { recursive: true });
    await restoreBackup(config, dir);
    const item = await withStore(config, async (endpoint) => {
      const client = localDynamoClient(endpoint);
      const out = await client.send(
        new GetItemCommand({ TableName: config.dataTableName, Key: { PK: ITEM.PK, SK: ITEM.SK } }),
      );
      client.destroy();
      return out.Item;
    });
    expect(item).toEqual(ITEM);
  });

  it('R7.5 a restore that fails part-way (the export disagrees with the manifest) leaves the data dir as it was', async () => {
    const { dataDir, config } = await setup();
    const { dir } = await createBackup(config);
    const before = (await readdir(dataDir)).sort();
    // An export with one item fewer than the manifest counts, whose hash still matches (rewritten).
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    const lines = (await readFile(join(dir, 'store.jsonl'), 'utf8')).split('\n').filter(Boolean);
    const shorter = `${lines.filter((l) => !l.includes('TEST#binary')).join('\n')}\n`;
    await writeFile(join(dir, 'store.jsonl'), shorter);
    const entry = manifest.files.find((f: { path: string }) => f.path === 'store.jsonl');
    entry.size = Buffer.byteLength(shorter);
    entry.sha256 = createHash('sha256').update(shorter).digest('hex');
    await writeFile(manifestPath, JSON.stringify(manifest));

    await expect(restoreBackup(config, dir)).rejects.toThrow(/holds \d+ data items, the manifest says \d+/);
    expect((await readdir(dataDir)).sort()).toEqual(before);
    const siblings = await readdir(dirname(dataDir));
    expect(siblings.filter((n) => n.startsWith(`${dataDir.split('/').pop()}.`))).toEqual([]);
  });

  it('R7.5 restoring by id a backup kept in the data dir: the replaced data dir is kept, the backups move along', async () => {
    const { dataDir, config } = await setup();
    const at = new Date('2026-11-23T07:00:00.000Z');
    const { dir } = await createBackup(config, { now: at });
    expect(dir).toBe(join(dataDir, 'backups', '2026-11-23T07-00-00-000Z'));
    const { replaced } = await restoreBackup(
      config,
      await resolveBackup(config, '2026-11-23T07-00-00-000Z'),
      {
        now: new Date('2026-11-23T08:00:00.000Z'),
      },
    );
    expect(replaced).toBe(`${dataDir}.replaced-2026-11-23T08-00-00-000Z`);
    dirs.push(replaced!);
    expect((await listBackups(config)).map((b) => b.id)).toEqual(['2026-11-23T07-00-00-000Z']);
    expect(await readdir(replaced!)).toContain('dynamodb');
    await expect(createBackup(config, { now: at })).rejects.toThrow(/already exists and is not empty/);
  });
});
