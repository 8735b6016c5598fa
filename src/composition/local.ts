import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getConnInfo } from '@hono/node-server/conninfo';
import { DynamoAuditLog } from '../adapters/aws/audit-log.ts';
import type { DynamoCounterStore } from '../adapters/aws/counter-store.ts';
import { createDocumentClient } from '../adapters/aws/dynamo.ts';
import { DynamoKeyRepository } from '../adapters/aws/key-repository.ts';
import { powertoolsMetrics } from '../adapters/aws/metrics.ts';
import {
  connectOrStartStore,
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../adapters/local/embedded-dynamo.ts';
import { FileArtifactStore } from '../adapters/local/file-artifact-store.ts';
import { FilePepperSource } from '../adapters/local/file-pepper.ts';
import { type LocalQueueOptions, LocalStageQueue } from '../adapters/local/store-queue.ts';
import type { Authenticator } from '../app/authenticator.ts';
import { KeyAdmin } from '../app/key-admin.ts';
import { createLogger, type Logger } from '../app/logger.ts';
import type { PipelineService } from '../app/pipeline.ts';
import {
  type Clock,
  type MetricsSink,
  type ModelProvider,
  type PepperSource,
  systemClock,
} from '../app/ports.ts';
import type { RuntimeConfig } from '../config.ts';
import type { HttpApp } from '../http/app.ts';
import type { EntryAdapter } from '../http/context.ts';
import { wireHttpApp } from './http.ts';
import { wireLifecycle } from './lifecycle.ts';
import { wirePipeline } from './pipeline.ts';

export const nodeEntry: EntryAdapter = {
  platformRequestId: () => undefined,
  sourceIp: (c) => {
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined;
    }
  },
};

/** Local mode's durable stage queues (SQS in AWS). */
export const localQueueTableName = (config: RuntimeConfig) => `agenticai-${config.env}-queues`;

/** How often local mode removes expired rate windows (dynalite has no TTL deletion). */
const COUNTER_PURGE_INTERVAL_MS = 10 * 60_000;

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

export interface LocalRuntime {
  app: HttpApp;
  store: EmbeddedStore;
  db: DynamoDBDocumentClient;
  logger: Logger;
  keyAdmin: KeyAdmin;
  authenticator: Authenticator;
  counters: DynamoCounterStore;
  queue: LocalStageQueue;
  pipeline: PipelineService;
  /** Logs the store commands counted so far (AGENTICAI_COUNT_STORE_CALLS). */
  reportStoreCalls(): void;
  close(): Promise<void>;
}

/**
 * Wires local mode: embedded DynamoDB (dynalite), file-system artifacts and a pepper file behind
 * the same ports and the same HTTP pipeline as AWS.
 */
export async function createLocalRuntime(
  config: RuntimeConfig,
  opts: {
    inMemory?: boolean;
    clock?: Clock;
    logger?: Logger;
    metrics?: MetricsSink;
    entry?: EntryAdapter;
    pepperSource?: PepperSource;
    /** Replaces the configured model (tests inject failing or scripted models). */
    model?: ModelProvider;
    queue?: LocalQueueOptions;
    /** Start the in-process stage workers and the sweeper (default true). */
    workers?: boolean;
  } = {},
): Promise<LocalRuntime> {
  const stores = await openLocalStores(config, { inMemory: opts.inMemory });
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config);
  const metrics = opts.metrics ?? powertoolsMetrics(config.serviceName, config.env);
  const artifacts = new FileArtifactStore(join(config.dataDir, 'artifacts'));
  const queue = new LocalStageQueue(stores.db, localQueueTableName(config), clock, {
    maxReceives: config.pipeline.maxAttempts,
    ...opts.queue,
  });
  const { app, authenticator, counters } = wireHttpApp({
    config,
    db: stores.db,
    artifacts,
    pepperSource: opts.pepperSource ?? new FilePepperSource(config.dataDir),
    lifecycle: wireLifecycle(config, stores.db, queue, clock, metrics),
    logger,
    metrics,
    clock,
    entry: opts.entry ?? nodeEntry,
  });
  const pipeline = wirePipeline({
    config,
    db: stores.db,
    artifacts,
    blobs: artifacts,
    queue,
    model: opts.model,
    clock,
    metrics,
    logger,
  });

  const timers = [
    setInterval(() => {
      counters.purgeExpired(Math.floor(clock.now().getTime() / 1000)).catch((error: unknown) => {
        logger.warn('counter purge failed', { event: 'counter_purge_failed', error });
      });
    }, COUNTER_PURGE_INTERVAL_MS),
  ];
  if (opts.workers !== false) {
    queue.start(
      (message, receiveCount) => pipeline.handle(message, receiveCount),
      (error) => logger.error('queue poll failed', { event: 'queue_poll_failed', error }),
    );
    timers.push(
      setInterval(() => {
        pipeline.sweep(config.pipeline).catch((error: unknown) => {
          logger.error('sweep failed', { event: 'sweep_failed', error });
        });
      }, config.pipeline.sweepIntervalMs),
    );
  }
  for (const timer of timers) timer.unref();
  return {
    app,
    store: stores.store,
    db: stores.db,
    logger,
    keyAdmin: localKeyAdmin(config, stores.db, 'bootstrap', clock),
    authenticator,
    counters,
    queue,
    pipeline,
    reportStoreCalls() {
      logger.info('store calls', { event: 'store_calls', byCommand: Object.fromEntries(stores.storeCalls) });
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await queue.stop();
      await stores.close();
    },
  };
}
