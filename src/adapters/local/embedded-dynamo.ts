import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';
import { countersTableDefinition, dataTableDefinition, localQueueTableDefinition } from '../aws/tables.ts';

/** Where a running local instance advertises its store, so the CLI can share it. */
const STORE_FILE = 'store.json';

interface StoreRecord {
  endpoint: string;
  pid: number;
  startedAt: string;
}

export interface EmbeddedStore {
  endpoint: string;
  /** True when this process started the store (and so must close it). */
  owned: boolean;
  /** The running server whose store this is, when not owned. */
  serverPid?: number;
  close(): Promise<void>;
}

export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
}

/** A low-level client for the embedded store (fixed credentials: it accepts any). */
export function localDynamoClient(endpoint: string) {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts dynalite on loopback. With `dataDir` the tables persist in LevelDB under `<dataDir>/dynamodb`;
 * without it they live in memory (tests).
 */
export async function startEmbeddedStore(opts: {
  dataDir?: string;
  port?: number;
  advertise?: boolean;
}): Promise<EmbeddedStore> {
  const path = opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined;
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  if (path) await assertUnlocked(path, opts.dataDir!);
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const port = await listen(server, opts.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;

  const storeFile = opts.dataDir ? join(opts.dataDir, STORE_FILE) : undefined;
  if (storeFile && opts.advertise) {
    const record: StoreRecord = { endpoint, pid: process.pid, startedAt: new Date().toISOString() };
    await writeFile(storeFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    endpoint,
    owned: true,
    async close() {
      if (storeFile && opts.advertise) await rm(storeFile, { force: true });
      await closeServer(server);
    },
  };
}

/**
 * LevelDB allows one process per directory, and dynalite crashes on a locked one: open it briefly
 * first so a second `npm start` (or a CLI racing it) gets a clear error instead.
 */
async function assertUnlocked(path: string, dataDir: string): Promise<void> {
  const db = new ClassicLevel(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new StoreBusyError(`the local store in ${dataDir} is in use by another process`);
    }
    throw error;
  } finally {
    await db.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function advertisedStore(dataDir: string): Promise<StoreRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(dataDir, STORE_FILE), 'utf8')) as StoreRecord;
    if (!isAlive(record.pid)) return undefined;
    const client = localDynamoClient(record.endpoint);
    try {
      await client.send(new ListTablesCommand({}));
      return record;
    } finally {
      client.destroy();
    }
  } catch {
    return undefined;
  }
}

/**
 * For tools (the CLI) that need the local store whether or not `npm start` runs: use the running
 * instance's store if one is advertised, otherwise open the data dir directly.
 */
export async function connectOrStartStore(dataDir: string): Promise<EmbeddedStore> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const running = await advertisedStore(dataDir);
    if (running)
      return { endpoint: running.endpoint, owned: false, serverPid: running.pid, close: async () => {} };
    try {
      return await startEmbeddedStore({ dataDir });
    } catch (error) {
      // The server may be starting right now: wait for it to advertise itself.
      if (!(error instanceof StoreBusyError)) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new StoreBusyError(`the local store in ${dataDir} is locked by another process that does not answer`);
}

/** Creates the tables local mode needs if they do not exist yet (AWS gets them from CDK). */
export async function ensureTables(
  endpoint: string,
  tableNames: { data: string; counters: string; queues?: string },
): Promise<void> {
  const client = localDynamoClient(endpoint);
  const definitions = [dataTableDefinition(tableNames.data), countersTableDefinition(tableNames.counters)];
  if (tableNames.queues) definitions.push(localQueueTableDefinition(tableNames.queues));
  try {
    for (const definition of definitions) {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      await waitUntilActive(client, definition.TableName!);
    }
  } finally {
    client.destroy();
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string) {
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become active`);
}
