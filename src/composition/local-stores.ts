import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../adapters/aws/audit-log.ts';
import { DynamoKeyRepository } from '../adapters/aws/key-repository.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import {
  connectOrStartStore,
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../adapters/local/embedded-dynamo.ts';
import { FilePepperSource } from '../adapters/local/file-pepper.ts';
import { KeyAdmin } from '../app/key-admin.ts';
import { type Clock, systemClock } from '../app/ports.ts';
import type { RuntimeConfig } from '../config.ts';
import { resourceNames } from '../naming.ts';

// Local mode's stores and key administration, apart from the HTTP app and the pipeline, so the CLI
// opens them without loading the server's modules (docs/PERFORMANCE.md, CLI start-up).

/** Where local mode keeps artifacts, inside the data dir (the bucket in AWS). */
export const LOCAL_ARTIFACTS_DIR = 'artifacts';

/** Local mode's durable stage queues (SQS in AWS). */
export const localQueueTableName = (config: RuntimeConfig) => resourceNames(config.env).queueTable;

export interface LocalStores {
  store: EmbeddedStore;
  db: DynamoDBDocumentClient;
  /** Commands sent to the store by name, when AGENTICAI_COUNT_STORE_CALLS is on. */
  storeCalls: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/**
 * The embedded store with its tables. `shared` (the CLI) uses a running server's store when there
 * is one; the server owns and advertises its own; `inMemory` is for tests.
 */
export async function openLocalStores(
  config: RuntimeConfig,
  opts: { inMemory?: boolean; shared?: boolean } = {},
): Promise<LocalStores> {
  // The owner of the store (the server, tests) tightens the whole tree; the CLI, which must stay
  // quick on a data dir with thousands of artifacts, only the top level.
  await privateDataDir(config.dataDir, { deep: !opts.shared });
  const store = opts.inMemory
    ? await startEmbeddedStore({})
    : opts.shared
      ? await connectOrStartStore(config.dataDir)
      : await startEmbeddedStore({ dataDir: config.dataDir, advertise: true, waitForLock: true });
  try {
    await ensureTables(store.endpoint, {
      data: config.dataTableName,
      counters: config.countersTableName,
      queues: localQueueTableName(config),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const storeCalls = new Map<string, number>();
  const db = createDocumentClient({
    endpoint: store.endpoint,
    ...(config.countStoreCalls && {
      onCommand: (name) => storeCalls.set(name, (storeCalls.get(name) ?? 0) + 1),
    }),
  });
  return {
    store,
    db,
    storeCalls,
    async close() {
      db.destroy();
      await store.close();
    },
  };
}

/**
 * The data dir holds key hashes, the pepper and every artifact: only its owner may read it.
 * A 0077 umask makes everything this process creates (LevelDB's own files included, which take no
 * mode) 0700/0600, and a data dir from an older version or a looser umask is tightened at start.
 */
export async function privateDataDir(dataDir: string, opts: { deep: boolean }): Promise<void> {
  // process.umask cannot be set from a worker thread; local mode runs on the main thread.
  if (isMainThread) process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await tighten(dataDir, opts.deep ? Number.POSITIVE_INFINITY : 1);
}

/** Removes group and other permissions from `path` and, `depth` levels down, what it contains. */
async function tighten(path: string, depth: number): Promise<void> {
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return;
    const wanted = info.isDirectory() ? 0o700 : 0o600;
    if ((info.mode & 0o777 & ~wanted) !== 0) await chmod(path, info.mode & wanted);
    if (!info.isDirectory() || depth === 0) return;
    for (const entry of await readdir(path)) await tighten(join(path, entry), depth - 1);
  } catch (error) {
    // A running server's LevelDB may remove a file between readdir and lstat.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export function localKeyAdmin(
  config: RuntimeConfig,
  db: DynamoDBDocumentClient,
  actor: string,
  clock: Clock = systemClock,
) {
  return new KeyAdmin(
    new DynamoKeyRepository(db, config.dataTableName),
    new FilePepperSource(config.dataDir),
    new DynamoAuditLog(db, config.dataTableName, clock),
    clock,
    config.defaultHourlyLimit,
    actor,
  );
}

export function localActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local';
  }
}
