/**
 * Alarms as data: every alarm the system has, as a plain, typed catalog. The CDK construct builds
 * CloudWatch alarms from it, `agenticai alarms list` prints it, and the runbook has a section per
 * `runbookAnchor`. Comparisons are strictly "greater than" where the specification says "exceeds".
 */
export type Severity = 'warning' | 'critical';
export type Scope = 'function' | 'api' | 'table' | 'dlq' | 'waf' | 'environment';

export interface MetricRef {
  namespace: string;
  metricName: string;
  statistic: 'Sum' | 'Average' | 'Maximum' | 'p99';
  /** Dimension values; `{function}`, `{api}`, `{stage}`, `{table}`, `{queue}`, `{env}` are filled per resource. */
  dimensions: Record<string, string>;
}

export interface AlarmSpec {
  id: string;
  title: string;
  requirement: string;
  severity: Severity;
  scope: Scope;
  /** One metric, or metric math over named metrics (`m1`, `m2`…). */
  metric: MetricRef | { expression: string; label: string; metrics: Record<string, MetricRef> };
  periodSeconds: 60 | 300;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  treatMissingData: 'notBreaching' | 'breaching' | 'missing' | 'ignore';
  runbookAnchor: string;
  description: string;
}

const lambda = (metricName: string, statistic: MetricRef['statistic']): MetricRef => ({
  namespace: 'AWS/Lambda',
  metricName,
  statistic,
  dimensions: { FunctionName: '{function}' },
});
const app = (
  metricName: string,
  dimensions: Record<string, string>,
  statistic: MetricRef['statistic'] = 'Sum',
): MetricRef => ({
  namespace: 'AgenticAI',
  metricName,
  statistic,
  dimensions: { environment: '{env}', ...dimensions },
});
const AUTH_REASONS = ['missing', 'malformed', 'unknown', 'revoked', 'expired'] as const;

export const ALARM_CATALOG: readonly AlarmSpec[] = [
  {
    id: 'lambda-error-rate',
    title: 'Lambda error rate above 5 %',
    requirement: 'R3.1',
    severity: 'critical',
    scope: 'function',
    metric: {
      expression: '100 * errors / MAX([invocations, 1])',
      label: 'Error rate (%)',
      metrics: { errors: lambda('Errors', 'Sum'), invocations: lambda('Invocations', 'Sum') },
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 5,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'lambda-error-rate',
    description: 'More than 5 % of invocations of {function} failed in 5 minutes (Errors / Invocations).',
  },
  {
    id: 'api-5xx',
    title: 'API 5XX responses above 10 in 5 minutes',
    requirement: 'R3.2',
    severity: 'critical',
    scope: 'api',
    metric: {
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      statistic: 'Sum',
      dimensions: { ApiName: '{api}', Stage: '{stage}' },
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 10,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'api-5xx',
    description: 'API {api} (stage {stage}) answered more than 10 requests with 5XX in 5 minutes.',
  },
  {
    id: 'lambda-consecutive-failures',
    title: 'Lambda failing 3 consecutive minutes',
    requirement: 'R3.3',
    severity: 'critical',
    scope: 'function',
    metric: lambda('Errors', 'Sum'),
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'lambda-consecutive-failures',
    description: '{function} had at least one error in each of 3 consecutive 1-minute periods.',
  },
  {
    id: 'lambda-duration',
    title: 'Lambda duration above 10 s',
    requirement: 'R4.1',
    severity: 'warning',
    scope: 'function',
    metric: lambda('Duration', 'Maximum'),
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 10_000,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'lambda-duration',
    description: 'An invocation of {function} ran longer than 10 s.',
  },
  {
    id: 'api-latency',
    title: 'API latency above 3 s for 5 minutes',
    requirement: 'R4.2',
    severity: 'warning',
    scope: 'api',
    metric: {
      namespace: 'AWS/ApiGateway',
      metricName: 'Latency',
      statistic: 'Average',
      dimensions: { ApiName: '{api}', Stage: '{stage}' },
    },
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    threshold: 3_000,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'api-latency',
    description: 'Average latency of {api} (stage {stage}) above 3 s in 5 consecutive minutes.',
  },
  {
    id: 'auth-failure-spike',
    title: 'Authentication failures spike (possible key guessing)',
    requirement: 'R1.5',
    severity: 'warning',
    scope: 'environment',
    metric: {
      expression: AUTH_REASONS.map((r) => `f_${r}`).join(' + '),
      label: 'Authentication failures',
      metrics: Object.fromEntries(
        AUTH_REASONS.map((reason) => [
          `f_${reason}`,
          app('AuthFailures', { service: 'agenticai-api', reason }),
        ]),
      ),
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 100,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'auth-failure-spike',
    description: 'More than 100 rejected API keys in 5 minutes in {env}.',
  },
  {
    id: 'waf-blocked-spike',
    title: 'WAF blocking many requests',
    requirement: 'R8.2',
    severity: 'warning',
    scope: 'waf',
    metric: {
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      statistic: 'Sum',
      dimensions: { WebACL: '{webAcl}', Region: '{region}', Rule: 'ALL' },
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 100,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'waf-blocked-spike',
    description:
      'Web ACL {webAcl} blocked more than 100 requests in 5 minutes (attack, or a rule blocking real clients).',
  },
  {
    id: 'lambda-throttles',
    title: 'Lambda throttled',
    requirement: 'C',
    severity: 'warning',
    scope: 'function',
    metric: lambda('Throttles', 'Sum'),
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'lambda-throttles',
    description: '{function} was throttled (concurrency limit reached).',
  },
  {
    id: 'api-throttles',
    title: 'API requests throttled or rejected at the gateway',
    requirement: 'C',
    severity: 'warning',
    scope: 'api',
    metric: {
      namespace: 'AWS/ApiGateway',
      metricName: '4XXError',
      statistic: 'Sum',
      dimensions: { ApiName: '{api}', Stage: '{stage}' },
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 500,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'api-throttles',
    description: 'More than 500 4XX answers from {api} in 5 minutes (throttling, auth failures, bad input).',
  },
  {
    id: 'lambda-concurrency',
    title: 'Concurrency near its reserved limit',
    requirement: 'C',
    severity: 'warning',
    scope: 'function',
    metric: {
      expression: 'concurrency / {limit}',
      label: 'Share of the concurrency limit',
      metrics: { concurrency: lambda('ConcurrentExecutions', 'Maximum') },
    },
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    threshold: 0.8,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'lambda-concurrency',
    description:
      '{function} used more than 80 % of its concurrency limit for 3 minutes (threshold is a fraction of the limit).',
  },
  {
    id: 'dynamodb-throttles',
    title: 'DynamoDB throttled requests',
    requirement: 'C',
    severity: 'warning',
    scope: 'table',
    metric: {
      expression: 'reads + writes',
      label: 'Throttle events',
      metrics: {
        reads: {
          namespace: 'AWS/DynamoDB',
          metricName: 'ReadThrottleEvents',
          statistic: 'Sum',
          dimensions: { TableName: '{table}' },
        },
        writes: {
          namespace: 'AWS/DynamoDB',
          metricName: 'WriteThrottleEvents',
          statistic: 'Sum',
          dimensions: { TableName: '{table}' },
        },
      },
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'dynamodb-throttles',
    description: 'Table {table} throttled reads or writes.',
  },
  {
    id: 'dynamodb-system-errors',
    title: 'DynamoDB system errors',
    requirement: 'C',
    severity: 'critical',
    scope: 'table',
    metric: {
      expression: 'get + put + update + query',
      label: 'System errors',
      metrics: Object.fromEntries(
        (['GetItem', 'PutItem', 'UpdateItem', 'Query'] as const).map((operation) => [
          operation === 'GetItem'
            ? 'get'
            : operation === 'PutItem'
              ? 'put'
              : operation === 'UpdateItem'
                ? 'update'
                : 'query',
          {
            namespace: 'AWS/DynamoDB',
            metricName: 'SystemErrors',
            statistic: 'Sum' as const,
            dimensions: { TableName: '{table}', Operation: operation },
          },
        ]),
      ),
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'dynamodb-system-errors',
    description: 'DynamoDB reported internal errors for table {table}.',
  },
  {
    id: 'dlq-messages',
    title: 'Messages in a dead-letter queue',
    requirement: 'C',
    severity: 'critical',
    scope: 'dlq',
    metric: {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      dimensions: { QueueName: '{queue}' },
    },
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'dlq-messages',
    description: 'Dead-letter queue {queue} holds messages: work failed every retry.',
  },
  {
    id: 'pipeline-failures',
    title: 'Projects failing',
    requirement: 'C',
    severity: 'warning',
    scope: 'environment',
    metric: app('ProjectsFailed', { service: 'agenticai-worker' }),
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'pipeline-failures',
    description: 'At least one project failed in {env} in 5 minutes.',
  },
  {
    id: 'stuck-projects',
    title: 'Projects stuck in the pipeline',
    requirement: 'C',
    severity: 'critical',
    scope: 'environment',
    metric: app('StuckProjects', { service: 'agenticai-sweeper' }, 'Maximum'),
    periodSeconds: 300,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'stuck-projects',
    description: 'Unfinished projects older than 15 minutes in {env}, in two sweeps in a row.',
  },
  {
    id: 'ratelimit-store-unavailable',
    title: 'Rate-limit counter store unavailable (failing open)',
    requirement: 'R6.5',
    severity: 'critical',
    scope: 'environment',
    metric: app('RateLimitStoreUnavailable', { service: 'agenticai-api' }),
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    runbookAnchor: 'ratelimit-store-unavailable',
    description: 'Requests in {env} were admitted without counting: the counters table is failing.',
  },
];

/** Fills `{function}`-style placeholders. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
