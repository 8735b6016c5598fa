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
import type { RuntimeConfig } from '../config.ts';
import { METRIC } from '../observability/metrics.ts';
import { runningSlots } from './lifecycle.ts';

/** The configured model behind a circuit breaker (SPEC C). */
export function wireModel(
  config: RuntimeConfig,
  clock: Clock,
  logger: Logger,
  metrics: MetricsSink,
  inner?: ModelProvider,
) {
  const model =
    inner ??
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
}

export function wirePipeline(w: PipelineWiring): PipelineService {
  return new PipelineService({
    repo: new DynamoProjectRepository(w.db, w.config.dataTableName),
    artifacts: w.artifacts,
    blobs: w.blobs,
    queue: w.queue,
    model: wireModel(w.config, w.clock, w.logger, w.metrics, w.model),
    clock: w.clock,
    metrics: w.metrics,
    logger: w.logger,
    maxAttempts: w.config.pipeline.maxAttempts,
    leaseMs: w.config.pipeline.leaseMs,
    maxTokensPerStage: w.config.model.maxTokensPerStage,
    slots: runningSlots(w.config, w.db),
  });
}
