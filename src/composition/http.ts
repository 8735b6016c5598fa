import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCounterStore } from '../adapters/aws/counter-store.ts';
import { DynamoKeyRepository } from '../adapters/aws/key-repository.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import { dynamoHealthCheck } from '../adapters/aws/store-health.ts';
import { Authenticator } from '../app/authenticator.ts';
import type { Logger } from '../app/logger.ts';
import type { ArtifactStore, Clock, MetricsSink, PepperSource } from '../app/ports.ts';
import { type ProjectLifecycle, ProjectService } from '../app/projects.ts';
import { RateLimiter } from '../app/rate-limiter.ts';
import type { RuntimeConfig } from '../config.ts';
import { createHttpApp } from '../http/app.ts';
import type { EntryAdapter } from '../http/context.ts';
import { apiKeyIdentity, fixedTenant } from '../http/middleware/identify.ts';
import { METRIC } from '../observability/metrics.ts';
import { VERSION } from '../version.ts';

export interface HttpWiring {
  lifecycle: ProjectLifecycle;
  config: RuntimeConfig;
  db: DynamoDBDocumentClient;
  artifacts: ArtifactStore;
  pepperSource: PepperSource;
  logger: Logger;
  metrics: MetricsSink;
  clock: Clock;
  entry: EntryAdapter;
}

/** The HTTP app with its security pieces; local and AWS composition differ only in what they pass. */
export function wireHttpApp(w: HttpWiring) {
  const { config, db, logger, metrics, clock } = w;
  const authenticator = new Authenticator(
    new DynamoKeyRepository(db, config.dataTableName),
    w.pepperSource,
    clock,
    {
      cacheTtlMs: config.authCacheTtlMs,
      negativeCacheTtlMs: config.authNegativeCacheTtlMs,
    },
  );
  const counters = new DynamoCounterStore(db, config.countersTableName);
  const rateLimiter = new RateLimiter(counters, clock, { failOpen: config.rateLimitFailOpen }, (error) => {
    logger.error('rate-limit store unavailable', {
      event: 'ratelimit_store_unavailable',
      failOpen: config.rateLimitFailOpen,
      error,
    });
    metrics.count(METRIC.RateLimitStoreUnavailable);
  });
  const identify = config.bypassHardening
    ? fixedTenant(config.localClientId)
    : apiKeyIdentity({ authenticator, rateLimiter, logger, metrics, clock });
  const app = createHttpApp({
    projects: new ProjectService(
      new DynamoProjectRepository(db, config.dataTableName),
      w.artifacts,
      clock,
      w.lifecycle,
    ),
    healthChecks: [dynamoHealthCheck(db, config.dataTableName)],
    logger,
    entry: w.entry,
    version: VERSION,
    identify,
  });
  return { app, authenticator, counters };
}
