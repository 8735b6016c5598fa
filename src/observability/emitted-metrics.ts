import { STAGES } from '../domain/project.ts';

/**
 * Every custom (EMF) metric the code emits, as metric name × dimension set, per environment —
 * CloudWatch bills each combination as one custom metric. Kept next to the code that emits them;
 * `agenticai cost estimate` prices this list.
 */
export const EMITTED_METRICS: readonly { name: string; dimensions: Record<string, string> }[] = [
  ...['missing', 'malformed', 'unknown', 'revoked', 'expired'].map((reason) => ({
    name: 'AuthFailures',
    dimensions: { service: 'agenticai-api', reason },
  })),
  { name: 'RateLimited', dimensions: { service: 'agenticai-api' } },
  { name: 'RateLimitStoreUnavailable', dimensions: { service: 'agenticai-api' } },
  { name: 'AuthStoreUnavailable', dimensions: { service: 'agenticai-api' } },
  { name: 'ProjectsCreated', dimensions: { service: 'agenticai-api' } },
  { name: 'ProjectsCompleted', dimensions: { service: 'agenticai-worker' } },
  { name: 'ProjectsFailed', dimensions: { service: 'agenticai-worker' } },
  { name: 'ModelCircuitOpened', dimensions: { service: 'agenticai-worker' } },
  { name: 'StuckProjects', dimensions: { service: 'agenticai-sweeper' } },
  ...['StageDuration', 'StageFailures', 'ModelLatency', 'ModelTokens'].flatMap((name) =>
    STAGES.map((stage) => ({ name, dimensions: { service: 'agenticai-worker', stage } })),
  ),
  ...['api', 'worker', 'sweeper', 'notifier'].map((fn) => ({
    name: 'ColdStart',
    dimensions: { service: `agenticai-${fn}`, function_name: fn },
  })),
];
