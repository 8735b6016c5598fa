import type { CostProfile } from '../domain/cost-profile.ts';
import { APP_NAME, resourceNames } from '../naming.ts';
import {
  AUTH_FAILURE_REASONS,
  type FunctionLabel,
  METRICS_NAMESPACE,
  type MetricName,
  SERVICES,
} from './metrics.ts';

/**
 * Alarms as data: every alarm the system has, as a plain, typed catalog — the one source of every
 * alarm fact. The CDK alarms, their titles and descriptions, the dashboard's threshold lines, the
 * notifier's runbook excerpt and docs/RUNBOOK.md are all rendered from these entries (`renderAlarm`);
 * no text here restates a number: `{threshold}`, `{window}` and `{period}` are filled from the data.
 * Comparisons are strictly "greater than" where the specification says "exceeds".
 */
export type Severity = 'warning' | 'critical';
/** What one alarm is created per: each function, the API, each table, each DLQ, the web ACL, the environment, each scheduled function. */
export type Scope = 'function' | 'api' | 'table' | 'dlq' | 'waf' | 'environment' | 'scheduled' | 'canary';
/** How the threshold is read: milliseconds, a percentage, a fraction (shown as %), or a plain count. */
export type Unit = 'ms' | 'percent' | 'fraction' | 'count';
/** A fixed value, or a share of the function's timeout (durations follow what a function may take). */
export type Threshold = number | { fractionOfTimeout: number };
export type { CostProfile };

export interface MetricRef {
  namespace: string;
  metricName: string;
  statistic: 'Sum' | 'Average' | 'Maximum' | 'p99';
  /** Dimension values; `{function}`, `{service}`, `{api}`, `{stage}`, `{table}`, `{queue}`, `{env}`… are filled per resource. */
  dimensions: Record<string, string>;
}
export type AlarmMetric =
  | MetricRef
  | { expression: string; label: string; metrics: Record<string, MetricRef> };

export interface RunbookText {
  /** What the alarm means beyond its description (semantics, caveats). */
  meaning?: string;
  /** What to look at first. */
  checks: readonly string[];
  /** Saved Logs Insights queries (names in infra/observability/saved-queries.ts) to run. */
  queries: readonly string[];
  causes: readonly string[];
  mitigation: readonly string[];
}

export interface AlarmSpec {
  readonly id: string;
  readonly requirement: string;
  readonly severity: Severity;
  /**
   * How the alarm reaches people: `direct` notifies its severity's topic itself; `composite` only
   * through the composite `system-health` alarm (one page for one outage, not one per symptom).
   */
  readonly paging: 'direct' | 'composite';
  readonly scope: Scope;
  readonly metric: AlarmMetric;
  /** 60 or 300; a target may bind another (`AlarmTarget.periodSeconds`). */
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: Threshold;
  /** Per-resource thresholds (by resource label, e.g. the API function's R4.1 value). */
  readonly thresholdByResource?: Readonly<Partial<Record<string, Threshold>>>;
  readonly unit: Unit;
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  readonly treatMissingData: 'notBreaching' | 'breaching' | 'missing' | 'ignore';
  /** Why missing data is treated so, where it matters. */
  readonly missingDataReason?: string;
  readonly runbookAnchor: string;
  /** The cost profiles that keep this alarm (default `full` only): the one list of what a cheaper profile gives up. */
  readonly profiles: readonly CostProfile[];
  /** Templates: `{threshold}`, `{window}`, `{period}` and the resource placeholders are filled by `renderAlarm`. */
  readonly title: string;
  readonly description: string;
  readonly runbook: RunbookText;
}

/** Defaults, defined once: one 5-minute period, strictly greater than, quiet when there is no traffic. */
const DEFAULTS = {
  periodSeconds: 300,
  evaluationPeriods: 1,
  comparison: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  paging: 'direct',
  profiles: ['full'],
} as const;

type AlarmInput = Omit<
  AlarmSpec,
  keyof typeof DEFAULTS | 'datapointsToAlarm' | 'runbookAnchor' | 'unit' | 'runbook'
> &
  Partial<Pick<AlarmSpec, keyof typeof DEFAULTS | 'datapointsToAlarm' | 'unit'>> & {
    runbook: Omit<RunbookText, 'queries'> & { queries?: readonly string[] };
  };

function alarm(input: AlarmInput): AlarmSpec {
  const evaluationPeriods = input.evaluationPeriods ?? DEFAULTS.evaluationPeriods;
  return {
    ...DEFAULTS,
    unit: 'count',
    datapointsToAlarm: evaluationPeriods,
    runbookAnchor: input.id,
    ...input,
    evaluationPeriods,
    runbook: { queries: [], ...input.runbook },
  };
}

const lambda = (metricName: string, statistic: MetricRef['statistic']): MetricRef => ({
  namespace: 'AWS/Lambda',
  metricName,
  statistic,
  dimensions: { FunctionName: '{function}' },
});
const apiGateway = (metricName: string, statistic: MetricRef['statistic']): MetricRef => ({
  namespace: 'AWS/ApiGateway',
  metricName,
  statistic,
  dimensions: { ApiName: '{api}', Stage: '{stage}' },
});
const dynamo = (metricName: string, extra: Record<string, string> = {}): MetricRef => ({
  namespace: 'AWS/DynamoDB',
  metricName,
  statistic: 'Sum',
  dimensions: { TableName: '{table}', ...extra },
});
/** An application metric as published: the registry's dimensions plus Powertools' defaults. */
const app = (
  metricName: MetricName,
  fn: FunctionLabel,
  extra: Record<string, string> = {},
  statistic: MetricRef['statistic'] = 'Sum',
): MetricRef => ({
  namespace: METRICS_NAMESPACE,
  metricName,
  statistic,
  dimensions: { service: SERVICES[fn], environment: '{env}', ...extra },
});

export const ALARM_CATALOG: readonly AlarmSpec[] = [
  alarm({
    id: 'lambda-error-rate',
    requirement: 'R3.1',
    severity: 'critical',
    paging: 'composite',
    scope: 'function',
    metric: {
      expression: '100 * errors / MAX([invocations, 1])',
      label: 'Error rate (%)',
      metrics: { errors: lambda('Errors', 'Sum'), invocations: lambda('Invocations', 'Sum') },
    },
    threshold: 5,
    unit: 'percent',
    title: 'Lambda error rate above {threshold} {window}',
    description: 'More than {threshold} of invocations of {function} failed {window} (Errors / Invocations).',
    runbook: {
      checks: [
        'A deploy in the last hour? Roll back: move the function\'s `live` alias to the previous version (see "Deployment and rollback").',
        'Dependency errors (DynamoDB, Bedrock throttling)? Check the `dynamodb-*` alarms and the circuit breaker lines (`event = "model_circuit"`).',
      ],
      queries: ['errors-by-route', 'failed-projects'],
      causes: [
        'A bad deploy',
        'A failing dependency (DynamoDB, Bedrock)',
        'Malformed input reaching a code path without validation',
      ],
      mitigation: ['Roll back the alias', 'Fix forward once the failing line is known'],
    },
  }),
  alarm({
    id: 'api-5xx',
    profiles: ['full', 'lean'],
    requirement: 'R3.2',
    severity: 'critical',
    paging: 'composite',
    scope: 'api',
    metric: apiGateway('5XXError', 'Sum'),
    threshold: 10,
    title: 'API 5XX responses above {threshold} {window}',
    description: 'API {api} (stage {stage}) answered more than {threshold} requests with 5XX {window}.',
    runbook: {
      meaning:
        'The application answers `503` (with `Retry-After`) when a dependency fails and `500` only for bugs.',
      checks: ["Run `one-correlation-id` with a failing request's `X-Request-Id`."],
      queries: ['errors-by-route', 'one-correlation-id'],
      causes: ['A dependency failing (`503`)', 'A bug (`500`)', 'The function timing out behind the gateway'],
      mitigation: ['Roll back a recent deploy', "For dependency failures, see the dependency's alarm"],
    },
  }),
  alarm({
    id: 'lambda-consecutive-failures',
    profiles: ['full', 'lean'],
    requirement: 'R3.3',
    severity: 'critical',
    paging: 'composite',
    scope: 'function',
    metric: lambda('Errors', 'Sum'),
    periodSeconds: 60,
    evaluationPeriods: 3,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    title: 'Lambda errors: at least {threshold} {window}',
    description:
      '{function} had at least {threshold} error {window} (see the runbook for what this measures).',
    runbook: {
      meaning:
        'R3.3 asks for an alert when a Lambda fails a number of consecutive times. CloudWatch sees error counts per period, not individual invocations, so this alarm is built as "at least {threshold} error {window}": a function failing every invocation for that long alarms; one that also succeeds within each period alarms too (its error count is still at least one); consecutive failures all inside one period do not, unless the error-rate alarm catches them.',
      checks: ['Treat as a hard failure of the function: check the latest deploy and its logs first.'],
      queries: ['errors-by-route', 'failed-projects'],
      causes: ['A bad deploy', 'Missing permission or configuration', 'A dependency down'],
      mitigation: ['Roll back the alias'],
    },
  }),
  alarm({
    id: 'lambda-duration',
    requirement: 'R4.1',
    severity: 'warning',
    scope: 'function',
    metric: lambda('Duration', 'Maximum'),
    periodSeconds: 60,
    // Each function's from its timeout and its work: the API keeps R4.1's value; a worker invocation
    // calls the model for a whole stage (about 1,500 output tokens, up to a batch of messages), so
    // only a large share of its timeout is abnormal.
    threshold: { fractionOfTimeout: 0.8 },
    thresholdByResource: {
      api: 10_000,
      sweeper: { fractionOfTimeout: 0.5 },
      notifier: { fractionOfTimeout: 0.5 },
    },
    unit: 'ms',
    title: 'Lambda duration above {threshold} (Maximum, {period})',
    description: 'An invocation of {function} ran longer than {threshold} (timeout {timeout}).',
    runbook: {
      meaning:
        "Thresholds follow each function's timeout and work (see the table): the API's is R4.1's; a worker invocation makes a model call per message of its batch, so only a large share of the worker timeout is abnormal.",
      checks: ['Compare with `ModelLatency` and `StageDuration` on the dashboard (workers).'],
      queries: ['slowest-routes-p99', 'cold-starts-and-init-duration'],
      causes: ['Slow model responses (workers)', 'Slow DynamoDB or S3 calls', 'Cold starts'],
      mitigation: [
        'Raise memory (more CPU) or the timeout in `infra/environments.ts`',
        'Lower the tokens per stage',
      ],
    },
  }),
  alarm({
    id: 'api-latency',
    requirement: 'R4.2',
    severity: 'warning',
    scope: 'api',
    metric: apiGateway('Latency', 'Average'),
    periodSeconds: 60,
    evaluationPeriods: 5,
    threshold: 3_000,
    unit: 'ms',
    title: 'API latency above {threshold} {window}',
    description: 'Average latency of {api} (stage {stage}) above {threshold} {window}.',
    runbook: {
      checks: [
        'Compare Latency with IntegrationLatency on the dashboard: equal → the function is slow; different → API Gateway or WAF.',
      ],
      queries: ['slowest-routes-p99', 'cold-starts-and-init-duration'],
      causes: ['A slow route', 'Cold starts after a deploy or a traffic jump', 'DynamoDB latency'],
      mitigation: ['Raise API memory', 'Reserve more concurrency'],
    },
  }),
  alarm({
    id: 'auth-failure-spike',
    requirement: 'R1.5',
    severity: 'warning',
    scope: 'environment',
    metric: {
      expression: AUTH_FAILURE_REASONS.map((r) => `f_${r}`).join(' + '),
      label: 'Authentication failures',
      metrics: Object.fromEntries(
        AUTH_FAILURE_REASONS.map((reason) => [`f_${reason}`, app('AuthFailures', 'api', { reason })]),
      ),
    },
    threshold: 100,
    title: 'Authentication failures above {threshold} {window} (possible key guessing)',
    description: 'More than {threshold} rejected API keys {window} in {env}.',
    runbook: {
      checks: [
        'Many `unknown` from one `sourceIp` → block it in WAF; many `revoked`/`expired` for one key id → contact that client.',
      ],
      queries: ['auth-failures-by-result-and-key'],
      causes: ['Key guessing', 'A client using a revoked or expired key'],
      mitigation: ['Block the address in WAF', 'Contact the client'],
    },
  }),
  alarm({
    id: 'waf-blocked-spike',
    requirement: 'R8.2',
    severity: 'warning',
    scope: 'waf',
    metric: {
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      statistic: 'Sum',
      dimensions: { WebACL: '{webAcl}', Region: '{region}', Rule: 'ALL' },
    },
    threshold: 100,
    title: 'WAF blocked more than {threshold} requests {window}',
    description:
      'Web ACL {webAcl} blocked more than {threshold} requests {window} (attack, or a rule blocking real clients).',
    runbook: {
      checks: [
        'The dashboard\'s "WAF: blocked requests by rule" shows which rule: per-IP rate, IP reputation, common rules, bad inputs or SQL injection.',
        'Sampled requests are in the WAF console; full records in the `aws-waf-logs-agenticai-<env>` log group (the `x-api-key` header is redacted).',
      ],
      causes: ['An attack', 'A rule blocking real clients'],
      mitigation: [
        'If real clients are blocked, set that rule to count (`ruleActionOverrides`) and redeploy',
      ],
    },
  }),
  alarm({
    id: 'lambda-throttles',
    requirement: 'C',
    severity: 'warning',
    scope: 'function',
    metric: lambda('Throttles', 'Sum'),
    threshold: 0,
    title: 'Lambda throttles above {threshold} {window}',
    description: '{function} was throttled more than {threshold} times {window} (concurrency limit reached).',
    runbook: {
      checks: ['The API has reserved concurrency; workers are capped per queue (`maxConcurrency`).'],
      causes: ['A traffic jump', 'Reserved concurrency set too low', 'The account limit reached'],
      mitigation: [
        'Raise the configured values in `infra/environments.ts` and redeploy, or request a higher account limit',
      ],
    },
  }),
  alarm({
    id: 'api-throttles',
    requirement: 'C',
    severity: 'warning',
    scope: 'api',
    metric: apiGateway('4XXError', 'Sum'),
    threshold: 500,
    title: 'API 4XX answers above {threshold} {window}',
    description:
      'More than {threshold} 4XX answers from {api} {window} (throttling, auth failures, bad input).',
    runbook: {
      checks: ['Which 4XX: throttling at the stage, rate-limited clients, or bad input?'],
      queries: ['rate-limit-violations-by-client', 'auth-failures-by-result-and-key'],
      causes: ['A client over its limit', 'Stage throttling', 'A client sending bad input'],
      mitigation: ['Contact the client', 'Raise its limit with `agenticai clients set-limit`'],
    },
  }),
  alarm({
    id: 'lambda-concurrency',
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
    threshold: 0.8,
    unit: 'fraction',
    title: 'Concurrency above {threshold} of its limit {window}',
    description: '{function} used more than {threshold} of its concurrency limit {window} (limit: {limit}).',
    runbook: {
      checks: ["The limit is the reserved concurrency, else the account's."],
      causes: ['Growing traffic', 'Slow invocations holding concurrency'],
      mitigation: ['Scale before it throttles (see "Scaling")'],
    },
  }),
  alarm({
    id: 'dynamodb-throttles',
    requirement: 'C',
    severity: 'warning',
    scope: 'table',
    metric: {
      expression: 'reads + writes',
      label: 'Throttle events',
      metrics: { reads: dynamo('ReadThrottleEvents'), writes: dynamo('WriteThrottleEvents') },
    },
    threshold: 0,
    title: 'DynamoDB throttle events above {threshold} {window}',
    description: 'Table {table} throttled more than {threshold} reads or writes {window}.',
    runbook: {
      meaning:
        'The tables are on-demand; throttling means a hot partition or a sudden jump above twice the previous peak.',
      checks: ['One client hammering one rate window shows as counters-table throttles.'],
      queries: ['rate-limit-violations-by-client'],
      causes: ['A hot partition', 'A sudden traffic jump'],
      mitigation: ['Block or slow the client', 'The SDK retries; nothing to restore'],
    },
  }),
  alarm({
    id: 'dynamodb-system-errors',
    requirement: 'C',
    severity: 'critical',
    paging: 'composite',
    scope: 'table',
    metric: {
      expression: 'get + put + update + query',
      label: 'System errors',
      metrics: {
        get: dynamo('SystemErrors', { Operation: 'GetItem' }),
        put: dynamo('SystemErrors', { Operation: 'PutItem' }),
        update: dynamo('SystemErrors', { Operation: 'UpdateItem' }),
        query: dynamo('SystemErrors', { Operation: 'Query' }),
      },
    },
    threshold: 0,
    title: 'DynamoDB system errors above {threshold} {window}',
    description: 'DynamoDB reported more than {threshold} internal errors for table {table} {window}.',
    runbook: {
      checks: [
        'Check the AWS Health Dashboard; the SDK retries, and the API answers `503` with `Retry-After`.',
      ],
      causes: ['A DynamoDB service event'],
      mitigation: ['Nothing to restore unless data is wrong (see "Disaster recovery")'],
    },
  }),
  alarm({
    id: 'dlq-messages',
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
    threshold: 0,
    title: 'Dead-letter queue messages above {threshold}',
    description:
      'Dead-letter queue {queue} held more than {threshold} messages {window}: work failed every retry.',
    runbook: {
      meaning: 'A stage message failed every delivery and its project is `failed` with the reason.',
      checks: [
        'Inspect with `npx agenticai --env <env> dlq list <stage>` and `projects show <id> --client <client>`.',
        'For `alert-delivery-dlq` and `notifier-dlq`, check the email subscriptions and the Slack webhook.',
      ],
      queries: ['failed-projects'],
      causes: ['A persistent model or dependency failure', 'A bug in one stage'],
      mitigation: ['After fixing the cause, `projects retry` each project or `dlq redrive <stage>`'],
    },
  }),
  alarm({
    id: 'pipeline-failures',
    requirement: 'C',
    severity: 'warning',
    scope: 'environment',
    metric: app('ProjectsFailed', 'worker'),
    threshold: 0,
    title: 'Failed projects above {threshold} {window}',
    description: 'More than {threshold} projects failed in {env} {window}.',
    runbook: {
      checks: ['Repeated model errors point at Bedrock (quota, model access) and the circuit breaker.'],
      queries: ['failed-projects'],
      causes: ['Model errors', 'A bug in one stage'],
      mitigation: ['Retry the projects after fixing the cause (`projects retry`)'],
    },
  }),
  alarm({
    id: 'stuck-projects',
    requirement: 'C',
    severity: 'critical',
    scope: 'environment',
    metric: app('StuckProjects', 'sweeper', {}, 'Maximum'),
    evaluationPeriods: 2,
    threshold: 0,
    treatMissingData: 'ignore',
    missingDataReason:
      'The sweeper publishes this metric on every run, zero included; no data means the sweeper is not running, which `scheduled-heartbeat` reports. Missing data keeps the current state, so a dead sweeper never clears this alarm.',
    title: 'Stuck projects above {threshold} {window}',
    description:
      'More than {threshold} unfinished projects older than the stuck age (`STUCK_PROJECT_SECONDS`) in {env}, {window}.',
    runbook: {
      meaning:
        'The sweeper re-queues stalled work, so stuck projects mean the workers cannot run (event source disabled, function failing on start, queue policy).',
      checks: ["Check the worker function's errors and the queues' age of oldest message."],
      queries: ['failed-projects'],
      causes: ['The worker event source disabled', 'The worker failing on start'],
      mitigation: ['Fix the worker, then the sweeper re-queues the projects by itself'],
    },
  }),
  alarm({
    id: 'scheduled-heartbeat',
    requirement: 'C',
    severity: 'critical',
    scope: 'scheduled',
    metric: lambda('Invocations', 'Sum'),
    evaluationPeriods: 3,
    threshold: 1,
    comparison: 'LessThanThreshold',
    treatMissingData: 'breaching',
    missingDataReason: 'A scheduled function that does not run publishes nothing: no data is the failure.',
    title: 'Scheduled function invocations below {threshold} {window}',
    description:
      'Invocations of the scheduled function ({function}) below {threshold} {window}: its schedule or the function is broken.',
    runbook: {
      meaning: 'A heartbeat: the schedule stopped invoking the function, or its invocations never start.',
      checks: ["Is the EventBridge rule enabled? Is the schedule's DLQ (`sweeper-dlq`) filling?"],
      causes: [
        'The rule disabled',
        'The function deleted or its permission removed',
        'Every invocation throttled',
      ],
      mitigation: ['Re-enable the rule or redeploy the stack'],
    },
  }),
  alarm({
    id: 'canary-failed',
    // Every profile keeps it ($0.10 a month): its period is the canary's interval, so a 15- or
    // 60-minute canary is judged run by run, never by periods without a run.
    requirement: 'R11.2',
    profiles: ['full', 'lean', 'minimal'],
    severity: 'critical',
    scope: 'canary',
    metric: {
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      statistic: 'Average',
      dimensions: { CanaryName: '{canary}' },
    },
    // One run per period (each canary's target binds its interval as the period): two breaching
    // periods are two consecutive failed runs.
    evaluationPeriods: 2,
    threshold: 100,
    unit: 'percent',
    comparison: 'LessThanThreshold',
    treatMissingData: 'breaching',
    missingDataReason: 'A canary that stopped running publishes nothing: no data is a failure too.',
    title: 'Health-check canary succeeded on less than {threshold} of runs {window}',
    description:
      'The health-check canary {canary} (GET /health, create a canary project, read it back) succeeded on less than {threshold} of its runs {window}: the API is down, slow or refusing the canary key.',
    runbook: {
      meaning:
        'Runs every `canaryIntervalMinutes` (5 in production), in each region of `canaryRegions`, one alarm per region named after it; each run fails naming its step (health, create-project, read-project) and the reason in its log (`canary_result`).',
      checks: [
        'Run the same check from a terminal: `npx agenticai --env <env> canary run` names the failing step and reason.',
        "The canary's run logs and screenshots: CloudWatch Synthetics, canary {canary}.",
      ],
      causes: [
        'The API or its store is down (health step, 5xx)',
        'A step slower than its budget (`CANARY_STEP_BUDGET_MS`)',
        'The canary key revoked, expired or never stored (403 / "holds no API key yet")',
        'The canary stopped running (missing data)',
      ],
      mitigation: [
        'Fix the failing dependency (see the other alarms); for the key: `agenticai --env <env> keys rotate KEYID --store-secret agenticai/<env>/canary-api-key`',
      ],
    },
  }),
  alarm({
    id: 'ratelimit-store-unavailable',
    requirement: 'R6.5',
    severity: 'critical',
    scope: 'environment',
    metric: app('RateLimitStoreUnavailable', 'api'),
    periodSeconds: 60,
    threshold: 0,
    title: 'Rate-limit store failures above {threshold} {window} (failing open)',
    description:
      'More than {threshold} requests in {env} were admitted without counting {window}: the counters table is failing.',
    runbook: {
      checks: ['Check the counters table and DynamoDB health.'],
      causes: ['The counters table throttled or unavailable', 'A permission removed'],
      mitigation: ['To refuse instead of admitting, set `RATE_LIMIT_FAIL_OPEN=false` on the API function'],
    },
  }),
];

/** The composite alarm: one page for an outage, over the alarms whose `paging` is `composite`. */
export const SYSTEM_HEALTH = {
  id: 'system-health',
  /** Cheaper profiles page each kept alarm directly: a composite over two or three alarms is $0.50 for little. */
  profiles: ['full'] as readonly CostProfile[],
  runbookAnchor: 'system-health',
  severity: 'critical',
  title: 'System health',
  description: 'A service-level failure in {env}: one of the alarms it covers is in ALARM.',
} as const;

/**
 * Where alarm descriptions point when the configuration gives no runbook link
 * (AGENTICAI_RUNBOOK_URL): the runbook's path in this repository, never an invented URL.
 */
export const RUNBOOK_URL = 'docs/RUNBOOK.md';

/** Fills `{function}`-style placeholders. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The catalog alarms a cost profile keeps (all of them for `full`). */
export const alarmsKeptBy = (profile: CostProfile): readonly AlarmSpec[] =>
  ALARM_CATALOG.filter((spec) => spec.profiles.includes(profile));

/** One resource an alarm is bound to: its label (in the alarm name) and the placeholder values. */
export interface AlarmTarget {
  resource: string;
  values: Record<string, string>;
  /** The function's timeout, for thresholds given as a share of it. */
  timeoutSeconds?: number;
  /**
   * The period for this resource instead of the spec's: a canary's is its interval (one run per
   * period, so 2 periods stay 2 consecutive runs whatever `canaryIntervalMinutes` is).
   */
  periodSeconds?: number;
}

/** The spec as bound to one target (its own period, if it has one). */
export function specFor(spec: AlarmSpec, target: Pick<AlarmTarget, 'periodSeconds'>): AlarmSpec {
  return target.periodSeconds === undefined ? spec : { ...spec, periodSeconds: target.periodSeconds };
}

/** The numeric threshold for one resource. */
export function thresholdFor(spec: AlarmSpec, target: Pick<AlarmTarget, 'resource' | 'timeoutSeconds'>) {
  const t = spec.thresholdByResource?.[target.resource] ?? spec.threshold;
  if (typeof t === 'number') return t;
  if (target.timeoutSeconds === undefined)
    throw new Error(`${spec.id}: ${target.resource} needs a timeout for its threshold`);
  return Math.round(t.fractionOfTimeout * target.timeoutSeconds * 1000);
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
export function formatPeriod(seconds: number) {
  return seconds % 60 === 0 ? plural(seconds / 60, 'minute') : plural(seconds, 'second');
}
export function formatValue(value: number, unit: Unit) {
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${Number((value / 1000).toFixed(1))} s` : `${value} ms`;
    case 'percent':
      return `${value} %`;
    case 'fraction':
      return `${Number((value * 100).toFixed(1))} %`;
    default:
      return String(value);
  }
}
/** "in 5 minutes", "in each of 3 consecutive 1-minute periods", "in 2 of 3 1-minute periods". */
export function formatWindow(
  spec: Pick<AlarmSpec, 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'>,
) {
  const period = formatPeriod(spec.periodSeconds);
  const one = period.replace(/^1 (\w+?)s?$/, '1-$1').replace(/^(\d+) (\w+?)s$/, '$1-$2');
  if (spec.evaluationPeriods === 1) return `in ${period}`;
  if (spec.datapointsToAlarm === spec.evaluationPeriods)
    return `in each of ${spec.evaluationPeriods} consecutive ${one} periods`;
  return `in ${spec.datapointsToAlarm} of ${spec.evaluationPeriods} ${one} periods`;
}

export interface RenderedAlarm {
  spec: AlarmSpec;
  resource: string;
  alarmName: string;
  threshold: number;
  title: string;
  /** The CloudWatch alarm description: `[severity] requirement text Runbook: url#anchor` (the notifier reads it). */
  description: string;
  /** The dashboard's threshold line on the alarm's metric. */
  annotation: { value: number; label: string };
  /** The rule in one line: `> 10 s, 1 of 1 × 5 minutes`. */
  rule: string;
  runbookUrl: string;
}

const SYMBOL = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
} as const;

/** Every rendering of one alarm for one resource, from the catalog data only. */
export function renderAlarm(
  spec: AlarmSpec,
  target: AlarmTarget,
  opts: { env: string; runbookUrl?: string },
): RenderedAlarm {
  spec = specFor(spec, target);
  const threshold = thresholdFor(spec, target);
  const values = {
    ...target.values,
    env: opts.env,
    threshold: formatValue(threshold, spec.unit),
    window: formatWindow(spec),
    period: formatPeriod(spec.periodSeconds),
    evaluationPeriods: String(spec.evaluationPeriods),
    timeout: target.timeoutSeconds === undefined ? '' : formatValue(target.timeoutSeconds * 1000, 'ms'),
  };
  const runbookUrl = `${opts.runbookUrl ?? RUNBOOK_URL}#${spec.runbookAnchor}`;
  const title = fill(spec.title, values);
  const text = fill(spec.description, values);
  return {
    spec,
    resource: target.resource,
    alarmName: `${resourceNames(opts.env).alarmPrefix}${spec.id}-${target.resource}`,
    threshold,
    title,
    description: `[${spec.severity}] ${spec.requirement} ${text} Runbook: ${runbookUrl}`,
    annotation: { value: threshold, label: `${spec.id}: ${title}` },
    rule: `${SYMBOL[spec.comparison]} ${formatValue(threshold, spec.unit)}, ${spec.datapointsToAlarm} of ${spec.evaluationPeriods} × ${formatPeriod(spec.periodSeconds)}`,
    runbookUrl,
  };
}

/** The runbook's meaning text with its placeholders filled (shared by RUNBOOK.md and the notifier). */
export function renderRunbookMeaning(spec: AlarmSpec, target?: AlarmTarget) {
  if (!spec.runbook.meaning) return undefined;
  const threshold =
    typeof spec.threshold === 'number' || target ? thresholdFor(spec, target ?? { resource: '' }) : undefined;
  return fill(spec.runbook.meaning, {
    window: formatWindow(spec),
    period: formatPeriod(spec.periodSeconds),
    ...(threshold === undefined ? {} : { threshold: formatValue(threshold, spec.unit) }),
  });
}

/** The catalog entry and resource of a deployed alarm name (`agenticai-<env>-<id>-<resource>`). */
export function parseAlarmName(
  alarmName: string,
): { env: string; spec: AlarmSpec; resource: string } | undefined {
  const match = new RegExp(`^${APP_NAME}-(dev|staging|production|local)-(.+)$`).exec(alarmName);
  if (!match) return undefined;
  const [, env, rest] = match as unknown as [string, string, string];
  const spec = [...ALARM_CATALOG]
    .sort((a, b) => b.id.length - a.id.length)
    .find((s) => rest.startsWith(`${s.id}-`));
  return spec ? { env, spec, resource: rest.slice(spec.id.length + 1) } : undefined;
}

/** Whose logs hold the errors behind an alarm: the function it watches, or the one emitting its metric. */
export function evidenceSource(spec: AlarmSpec, resource: string): FunctionLabel | undefined {
  const isFunction = (r: string): r is FunctionLabel => r in SERVICES;
  switch (spec.scope) {
    case 'function':
    case 'scheduled':
      return isFunction(resource) ? resource : undefined;
    case 'api':
    case 'table':
    case 'waf':
    case 'canary':
      return 'api';
    case 'dlq': {
      const owner = resource.replace(/-dlq$/, '');
      if (owner === 'alert-delivery') return 'notifier';
      return isFunction(owner) ? owner : 'worker';
    }
    case 'environment': {
      const refs = 'expression' in spec.metric ? Object.values(spec.metric.metrics) : [spec.metric];
      const service = refs[0]?.dimensions.service;
      return (Object.keys(SERVICES) as FunctionLabel[]).find((fn) => SERVICES[fn] === service);
    }
  }
}
