import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../adapters/aws/audit-log.ts';
import { createDocumentClient } from '../adapters/aws/dynamo.ts';
import { DynamoKeyRepository } from '../adapters/aws/key-repository.ts';
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

// Local mode's stores and key administration, apart from the HTTP app and the pipeline, so the CLI
// opens them without loading the server's modules (docs/PERFORMANCE.md, CLI start-up).

/** Local mode's durable stage queues (SQS in AWS). */
export const localQueueTableName = (config: RuntimeConfig) => `agenticai-${config.env}-queues`;

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
