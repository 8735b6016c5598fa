import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BedrockModelProvider } from '../adapters/aws/bedrock-model.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import { TemplateModelProvider } from '../adapters/local/template-model.ts';
import { CircuitBreakerModel } from '../app/circuit-breaker.ts';
import type { Logger } from '../app/logger.ts';
import { PipelineService } from '../app/pipeline.ts';
import type {
  ArtifactStore,
  BlobWriter,
  Clock,
  MetricsSink,
  ModelProvider,
  StageQueue,
} from '../app/ports.ts';
import { createStageDelivery, type DeliverStage } from '../app/stage-delivery.ts';
import type { RuntimeConfig } from '../config.ts';
import type { BackoffPolicy } from '../domain/backoff.ts';
import { METRIC } from '../observability/metrics.ts';
import { runningSlots } from './lifecycle.ts';

/** The configured model behind a circuit breaker (SPEC C); `inner` replaces the configured one (tests). */
export function wireModel(w: {
  config: RuntimeConfig;
  clock: Clock;
  logger: Logger;
  metrics: MetricsSink;
  inner?: ModelProvider;
}) {
  const { config, clock, logger, metrics } = w;
  const model =
    w.inner ??
    (config.model.provider === 'bedrock'
      ? new BedrockModelProvider(new BedrockRuntimeClient({ maxAttempts: 1 }), {
          modelId: config.model.bedrockModelId,
        })
      : new TemplateModelProvider());
  return new CircuitBreakerModel(
    model,
    clock,
    { failureThreshold: config.model.circuitFailures, cooldownMs: config.model.circuitCooldownMs },
    (state) => {
      logger.warn(`model circuit ${state}`, { event: 'model_circuit', state });
      if (state === 'open') metrics.count(METRIC.ModelCircuitOpened);
    },
  );
}

export interface PipelineWiring {
  config: RuntimeConfig;
  db: DynamoDBDocumentClient;
  artifacts: ArtifactStore;
  blobs: BlobWriter;
  queue: StageQueue;
  model?: ModelProvider;
  clock: Clock;
  metrics: MetricsSink;
  logger: Logger;
  /** Spacing of stage retries; default STAGE_RETRY_BACKOFF (tests shorten it). */
  retryBackoff?: BackoffPolicy;
}

export function wirePipeline(w: PipelineWiring): PipelineService {
  return new PipelineService({
    repo: new DynamoProjectRepository(w.db, w.config.dataTableName),
    artifacts: w.artifacts,
    blobs: w.blobs,
    queue: w.queue,
    model: wireModel({ ...w, inner: w.model }),
    clock: w.clock,
    metrics: w.metrics,
    logger: w.logger,
    maxAttempts: w.config.pipeline.maxAttempts,
    leaseMs: w.config.pipeline.leaseMs,
    maxTokensPerStage: w.config.model.maxTokensPerStage,
    slots: runningSlots(w.config, w.db),
  });
}

/**
 * The one worker path both deployments run: the pipeline and the delivery function the local
 * queue and the SQS handler hand every message to.
 */
export function wireStageWorker(w: PipelineWiring): { pipeline: PipelineService; deliver: DeliverStage } {
  const pipeline = wirePipeline(w);
  return {
    pipeline,
    deliver: createStageDelivery({
      pipeline,
      logger: w.logger,
      ...(w.retryBackoff && { backoff: w.retryBackoff }),
    }),
  };
}
