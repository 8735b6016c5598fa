import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCounterStore } from '../adapters/aws/counter-store.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import type { Clock, MetricsSink, StageQueue } from '../app/ports.ts';
import { ProjectQuota } from '../app/project-quota.ts';
import type { ProjectLifecycle } from '../app/projects.ts';
import type { RuntimeConfig } from '../config.ts';
import { METRIC } from '../observability/metrics.ts';

/** Admission (per-client caps) and the pipeline's first message, for the API's project creation. */
export function wireLifecycle(
  config: RuntimeConfig,
  db: DynamoDBDocumentClient,
  queue: StageQueue,
  clock: Clock,
  metrics: MetricsSink,
): ProjectLifecycle {
  const quota = new ProjectQuota(
    new DynamoProjectRepository(db, config.dataTableName),
    new DynamoCounterStore(db, config.countersTableName),
    clock,
    config.quota,
  );
  return {
    admit: (clientId) => quota.admit(clientId),
    async started(project, correlationId) {
      metrics.count(METRIC.ProjectsCreated);
      await queue.send({ projectId: project.id, clientId: project.clientId, stage: 'pm', correlationId });
    },
  };
}
