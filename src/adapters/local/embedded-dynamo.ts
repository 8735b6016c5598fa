import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { ClassicLevel } from 'classic-level';
import { storeEndpointConfig } from '../dynamodb/client.ts';
import {
  countersTableDefinition,
  dataTableDefinition,
  localQueueTableDefinition,
} from '../dynamodb/tables.ts';

/** Where a running local instance advertises its store, so the CLI can share it. */
const STORE_FILE = 'store.json';
/** The embedded store's Unix socket, inside the private data dir. */
const SOCKET_FILE = 'store.sock';
/** The data dir's lock (see lockDataDir). */
const LOCK_DIR = 'lock';

interface StoreRecord {
  endpoint: string;
  pid: number;
  startedAt: string;
}

export interface EmbeddedStore {
  /**
   * How to reach the store: `unix:<path>` for a data dir's store (a socket inside the private data
   * dir), `http://127.0.0.1:<port>` for an in-memory test store. Clients take it as is.
   */
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

/** A low-level client for the embedded store (fixed credentials: access is guarded by the socket). */
export function localDynamoClient(endpoint: string) {
  return new DynamoDBClient({
    ...storeEndpointConfig(endpoint),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** The longest Unix socket path Linux and macOS accept (sun_path), with a margin. */
const MAX_SOCKET_PATH = 100;
/** How long a starting server waits for a short-lived holder of the data dir (a CLI command). */
const LOCK_WAIT_MS = 15_000;
const LOCK_POLL_MS = 100;

async function listenTcp(server: Server): Promise<string> {
  await listenOn(server, (done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function listenOn(server: Server, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    start(() => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The data dir's lock: a tiny LevelDB held open for the store's whole life. LevelDB locks with
 * fcntl, so the OS drops the lock when the process dies (no stale lock files), and holding it
 * across the store's open closes the window in which two processes could both open `dynamodb/`.
 */
export async function lockDataDir(dataDir: string): Promise<ClassicLevel | undefined> {
  // Loaded when used: a CLI command that shares a running server's store never opens LevelDB.
  const { ClassicLevel } = await import('classic-level');
  const lock = new ClassicLevel(join(dataDir, LOCK_DIR));
  try {
    await lock.open();
    return lock;
  } catch (error) {
    await lock.close().catch(() => {});
    if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') return undefined;
    throw error;
  }
}

/** Where the store's socket goes: inside the data dir, or a private temp dir when that path is too long. */
async function socketPathFor(dataDir: string): Promise<{ path: string; tempDir?: string }> {
  const inDataDir = resolve(dataDir, SOCKET_FILE);
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH) return { path: inDataDir };
  const tempDir = await mkdtemp(join(tmpdir(), 'agenticai-store-')); // mkdtemp creates it 0700
  return { path: join(tempDir, SOCKET_FILE), tempDir };
}

/**
 * Starts dynalite. With `dataDir` the tables persist in LevelDB under `<dataDir>/dynamodb` and the
 * store listens on a Unix socket in the (0700) data dir, so only the data dir's owner can reach it;
 * without `dataDir` the tables live in memory behind a loopback port (tests).
 * `waitForLock` lets a starting server outwait a CLI command that holds the data dir for a moment.
 */
export async function startEmbeddedStore(opts: {
  dataDir?: string;
  advertise?: boolean;
  waitForLock?: boolean;
}): Promise<EmbeddedStore> {
  // Loaded when a store is started, not when the CLI connects to a running server's.
  const { default: dynalite } = await import('dynalite');
  if (!opts.dataDir) {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
    const endpoint = await listenTcp(server);
    return { endpoint, owned: true, close: () => closeServer(server) };
  }
  const dataDir = opts.dataDir;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(dataDir, opts.waitForLock ?? false);
  let socket: { path: string; tempDir?: string } | undefined;
  let server: Server | undefined;
  try {
    socket = await socketPathFor(dataDir);
    // We hold the lock, so a socket file left here is from a process that died.
    await rm(socket.path, { force: true });
    server = dynalite({
      path: join(dataDir, 'dynamodb'),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    }) as Server;
    const listening = server;
    const path = socket.path;
    await listenOn(listening, (done) => listening.listen(path, done));
    await chmod(path, 0o600);
  } catch (error) {
    if (server?.listening) await closeServer(server);
    if (socket?.tempDir) await rm(socket.tempDir, { recursive: true, force: true });
    await lock.close();
    throw error;
  }
  const endpoint = `unix:${socket.path}`;
  const storeFile = join(dataDir, STORE_FILE);
  if (opts.advertise) {
    const record: StoreRecord = { endpoint, pid: process.pid, startedAt: new Date().toISOString() };
    await writeFile(storeFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  }
  const { tempDir } = socket;
  const running = server;
  return {
    endpoint,
    owned: true,
    async close() {
      if (opts.advertise) await rm(storeFile, { force: true });
      await closeServer(running);
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
      await lock.close();
    },
  };
}

async function acquireLock(dataDir: string, wait: boolean): Promise<ClassicLevel> {
  const deadline = Date.now() + (wait ? LOCK_WAIT_MS : 0);
  for (;;) {
    const lock = await lockDataDir(dataDir);
    if (lock) return lock;
    // Another server owns the data dir: fail now, naming it. A CLI command holds it only briefly.
    const running = await advertisedStore(dataDir);
    if (running || Date.now() >= deadline) throw busy(dataDir, running);
    await delay(LOCK_POLL_MS);
  }
}

function busy(dataDir: string, running?: StoreRecord) {
  return new StoreBusyError(
    running
      ? `the local store in ${dataDir} is in use by another process (the server with pid ${running.pid}); stop it or set AGENTICAI_DATA_DIR to another directory`
      : `the local store in ${dataDir} is in use by another process; try again when it has finished`,
  );
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
 * instance's store if one is advertised, otherwise open the data dir directly. While another
 * process holds the data dir without advertising (a server starting, another CLI command), wait.
 */
export async function connectOrStartStore(dataDir: string): Promise<EmbeddedStore> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const running = await advertisedStore(dataDir);
    if (running)
      return { endpoint: running.endpoint, owned: false, serverPid: running.pid, close: async () => {} };
    try {
      return await startEmbeddedStore({ dataDir });
    } catch (error) {
      if (!(error instanceof StoreBusyError) || Date.now() >= deadline) throw error;
      await delay(LOCK_POLL_MS);
    }
  }
}

/**
 * Creates the tables local mode needs if they do not exist yet (AWS gets them from CDK): one
 * ListTables, and a CreateTable only for a missing one (every CLI command on an existing data dir
 * pays a single request).
 */
export async function ensureTables(
  endpoint: string,
  tableNames: { data: string; counters: string; queues?: string },
): Promise<void> {
  const client = localDynamoClient(endpoint);
  const definitions = [dataTableDefinition(tableNames.data), countersTableDefinition(tableNames.counters)];
  if (tableNames.queues) definitions.push(localQueueTableDefinition(tableNames.queues));
  try {
    const existing = new Set<string>();
    let start: string | undefined;
    do {
      const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      for (const name of page.TableNames ?? []) existing.add(name);
      start = page.LastEvaluatedTableName;
    } while (start);
    for (const definition of definitions) {
      if (existing.has(definition.TableName!)) continue;
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        // Another process (the server and a CLI command starting together) created it first.
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
