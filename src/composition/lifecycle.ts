import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCounterStore } from '../adapters/aws/counter-store.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import { DynamoRunningSlots } from '../adapters/aws/running-slots.ts';
import type { Clock, MetricsSink, RunningSlots, StageQueue } from '../app/ports.ts';
import { ProjectQuota } from '../app/project-quota.ts';
import type { ProjectLifecycle } from '../app/projects.ts';
import type { RuntimeConfig } from '../config.ts';
import { METRIC } from '../observability/metrics.ts';

/** The running-projects sets (data table), for admission and for the pipeline's releases. */
export function runningSlots(config: RuntimeConfig, db: DynamoDBDocumentClient): RunningSlots {
  return new DynamoRunningSlots(db, config.dataTableName);
}

/** Admission (per-client caps) and the pipeline's first message, for the API's project creation. */
export function wireLifecycle(w: {
  config: RuntimeConfig;
  db: DynamoDBDocumentClient;
  queue: StageQueue;
  clock: Clock;
  metrics: MetricsSink;
}): ProjectLifecycle {
  const { config, db, queue, clock, metrics } = w;
  const slots = runningSlots(config, db);
  const quota = new ProjectQuota(
    new DynamoProjectRepository(db, config.dataTableName),
    new DynamoCounterStore(db, config.countersTableName),
    slots,
    clock,
    config.quota,
  );
  return {
    admit: (clientId, projectId) => quota.admit(clientId, projectId),
    abandon: async (clientId, projectId) => {
      await slots.release(clientId, projectId);
    },
    resume: (clientId, projectId) => slots.hold(clientId, projectId),
    async started(project, correlationId) {
      metrics.count(METRIC.ProjectsCreated);
      await queue.send({ projectId: project.id, clientId: project.clientId, stage: 'pm', correlationId });
    },
  };
}
