import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { DynamoCounterStore } from '../adapters/aws/counter-store.ts';
import { powertoolsMetrics } from '../adapters/aws/metrics.ts';
import type { EmbeddedStore } from '../adapters/local/embedded-dynamo.ts';
import { FileArtifactStore } from '../adapters/local/file-artifact-store.ts';
import { FilePepperSource } from '../adapters/local/file-pepper.ts';
import { type LocalQueueOptions, LocalStageQueue } from '../adapters/local/store-queue.ts';
import type { Authenticator } from '../app/authenticator.ts';
import type { KeyAdmin } from '../app/key-admin.ts';
import { createLogger, type Logger } from '../app/logger.ts';
import type { PipelineService } from '../app/pipeline.ts';
import {
  type Clock,
  type MetricsSink,
  type ModelProvider,
  type PepperSource,
  systemClock,
} from '../app/ports.ts';
import type { DeliverStage } from '../app/stage-delivery.ts';
import { sweepOnce } from '../app/sweeper.ts';
import type { RuntimeConfig } from '../config.ts';
import type { BackoffPolicy } from '../domain/backoff.ts';
import type { HttpApp } from '../http/app.ts';
import type { EntryAdapter } from '../http/context.ts';
import { wireHttpApp } from './http.ts';
import { wireLifecycle } from './lifecycle.ts';
import { LOCAL_ARTIFACTS_DIR, localKeyAdmin, localQueueTableName, openLocalStores } from './local-stores.ts';
import { wireStageWorker } from './pipeline.ts';

export {
  type LocalStores,
  localActor,
  localKeyAdmin,
  localQueueTableName,
  openLocalStores,
} from './local-stores.ts';

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
  /** The worker path the queue's deliveries go through (with `workers: false`, start it yourself). */
  deliver: DeliverStage;
  /**
   * Logs the store commands counted so far (AGENTICAI_COUNT_STORE_CALLS; `npm start` does it on
   * SIGUSR2) and, when Node runs with --expose-gc, the heap after a full GC and the RSS: what the
   * soak benchmark reads. A signal reaches it only from the same user, never from an HTTP client.
   */
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
    /** Spacing of stage retries; default STAGE_RETRY_BACKOFF (tests shorten it). */
    retryBackoff?: BackoffPolicy;
    /** Start the in-process stage workers and the sweeper (default true). */
    workers?: boolean;
  } = {},
): Promise<LocalRuntime> {
  const stores = await openLocalStores(config, { inMemory: opts.inMemory });
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config);
  const metrics = opts.metrics ?? powertoolsMetrics(config.serviceName, config.env);
  const artifacts = new FileArtifactStore(join(config.dataDir, LOCAL_ARTIFACTS_DIR));
  const queue = new LocalStageQueue({
    db: stores.db,
    tableName: localQueueTableName(config),
    clock,
    logger,
    ...opts.queue,
  });
  const { app, authenticator, counters } = wireHttpApp({
    config,
    db: stores.db,
    artifacts,
    pepperSource: opts.pepperSource ?? new FilePepperSource(config.dataDir),
    lifecycle: wireLifecycle({ config, db: stores.db, queue, clock, metrics }),
    logger,
    metrics,
    clock,
    entry: opts.entry ?? nodeEntry,
  });
  const { pipeline, deliver } = wireStageWorker({
    config,
    db: stores.db,
    artifacts,
    blobs: artifacts,
    queue,
    model: opts.model,
    clock,
    metrics,
    logger,
    ...(opts.retryBackoff && { retryBackoff: opts.retryBackoff }),
  });

  if (opts.workers !== false) {
    // Local mode is the only worker on its data dir: leases left behind belong to a dead process.
    try {
      await pipeline.resumeAfterRestart();
    } catch (error) {
      await stores.close();
      throw error;
    }
  }
  const timers = [
    setInterval(() => {
      counters.purgeExpired(Math.floor(clock.now().getTime() / 1000)).catch((error: unknown) => {
        logger.warn('counter purge failed', { event: 'counter_purge_failed', error });
      });
    }, COUNTER_PURGE_INTERVAL_MS),
  ];
  if (opts.workers !== false) {
    queue.start(deliver);
    timers.push(
      setInterval(() => {
        sweepOnce({ pipeline, logger, ...config.pipeline, exclusive: true }).catch((error: unknown) => {
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
    deliver,
    reportStoreCalls() {
      logger.info('store calls', { event: 'store_calls', byCommand: Object.fromEntries(stores.storeCalls) });
      if (typeof globalThis.gc === 'function') {
        globalThis.gc();
        const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
        logger.info('memory after gc', { event: 'memory', heapUsed, rss, external, arrayBuffers });
      }
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await queue.stop();
      await stores.close();
    },
  };
}
