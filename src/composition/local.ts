import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createDocumentClient } from '../adapters/aws/dynamo.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import { dynamoHealthCheck } from '../adapters/aws/store-health.ts';
import { type EmbeddedStore, ensureTables, startEmbeddedStore } from '../adapters/local/embedded-dynamo.ts';
import { FileArtifactStore } from '../adapters/local/file-artifact-store.ts';
import { createLogger, type Logger } from '../app/logger.ts';
import { type Clock, systemClock } from '../app/ports.ts';
import { ProjectService } from '../app/projects.ts';
import type { RuntimeConfig } from '../config.ts';
import { createHttpApp, type HttpApp } from '../http/app.ts';
import type { EntryAdapter } from '../http/context.ts';
import { fixedTenant } from '../http/middleware/identify.ts';
import { VERSION } from '../version.ts';

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

export interface LocalRuntime {
  app: HttpApp;
  store: EmbeddedStore;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Wires local mode: embedded DynamoDB (dynalite) + file-system artifacts behind the same ports and
 * the same HTTP pipeline as AWS. `inMemory` is for tests that need no persistence.
 */
export async function createLocalRuntime(
  config: RuntimeConfig,
  opts: { inMemory?: boolean; clock?: Clock; logger?: Logger; entry?: EntryAdapter } = {},
): Promise<LocalRuntime> {
  await mkdir(config.dataDir, { recursive: true });
  const store = await startEmbeddedStore(opts.inMemory ? {} : { dataDir: config.dataDir, advertise: true });
  try {
    await ensureTables(store.endpoint, { data: config.dataTableName });
  } catch (error) {
    await store.close();
    throw error;
  }
  const db = createDocumentClient({ endpoint: store.endpoint });
  const logger = opts.logger ?? createLogger(config);
  const repo = new DynamoProjectRepository(db, config.dataTableName);
  const artifacts = new FileArtifactStore(join(config.dataDir, 'artifacts'));
  const projects = new ProjectService(repo, artifacts, opts.clock ?? systemClock);
  const app = createHttpApp({
    projects,
    healthChecks: [dynamoHealthCheck(db, config.dataTableName)],
    logger,
    entry: opts.entry ?? nodeEntry,
    version: VERSION,
    identify: fixedTenant(config.localClientId),
  });
  return {
    app,
    store,
    logger,
    async close() {
      db.destroy();
      await store.close();
    },
  };
}
