import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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
import type { Authenticator } from '../app/authenticator.ts';
import { KeyAdmin } from '../app/key-admin.ts';
import { createLogger, type Logger } from '../app/logger.ts';
import { type Clock, type MetricsSink, type PepperSource, systemClock } from '../app/ports.ts';
import type { RuntimeConfig } from '../config.ts';
import type { HttpApp } from '../http/app.ts';
import type { EntryAdapter } from '../http/context.ts';
import { wireHttpApp } from './http.ts';

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
  await mkdir(config.dataDir, { recursive: true });
  const store = opts.inMemory
    ? await startEmbeddedStore({})
    : opts.shared
      ? await connectOrStartStore(config.dataDir)
      : await startEmbeddedStore({ dataDir: config.dataDir, advertise: true });
  try {
    await ensureTables(store.endpoint, { data: config.dataTableName, counters: config.countersTableName });
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
  } = {},
): Promise<LocalRuntime> {
  const stores = await openLocalStores(config, { inMemory: opts.inMemory });
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config);
  const { app, authenticator, counters } = wireHttpApp({
    config,
    db: stores.db,
    artifacts: new FileArtifactStore(join(config.dataDir, 'artifacts')),
    pepperSource: opts.pepperSource ?? new FilePepperSource(config.dataDir),
    logger,
    metrics: opts.metrics ?? powertoolsMetrics(config.serviceName, config.env),
    clock,
    entry: opts.entry ?? nodeEntry,
  });
  const purge = setInterval(() => {
    counters.purgeExpired(Math.floor(clock.now().getTime() / 1000)).catch((error: unknown) => {
      logger.warn('counter purge failed', { event: 'counter_purge_failed', error });
    });
  }, COUNTER_PURGE_INTERVAL_MS);
  purge.unref();
  return {
    app,
    store: stores.store,
    db: stores.db,
    logger,
    keyAdmin: localKeyAdmin(config, stores.db, 'bootstrap', clock),
    authenticator,
    counters,
    reportStoreCalls() {
      logger.info('store calls', { event: 'store_calls', byCommand: Object.fromEntries(stores.storeCalls) });
    },
    async close() {
      clearInterval(purge);
      await stores.close();
    },
  };
}
