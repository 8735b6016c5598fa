import { STAGES } from '../domain/project.ts';

/**
 * Every custom (EMF) metric the code emits: its name, the function that emits it, the dimensions
 * the code adds, and the file that emits it. Alarms, dashboard widgets, the cost estimate and the
 * emitting code all take names and dimensions from here, and a test checks that each metric is
 * emitted with exactly these dimensions.
 *
 * Powertools adds two default dimensions to every metric: `service` (POWERTOOLS_SERVICE_NAME of the
 * emitting function) and `environment` (set in `powertoolsMetrics`). `captureColdStartMetric()`
 * without a function name emits only these two (SPEC §6).
 */
export const METRICS_NAMESPACE = 'AgenticAI';

/** The functions and their Powertools service names. */
export const SERVICES = {
  api: 'agenticai-api',
  worker: 'agenticai-worker',
  sweeper: 'agenticai-sweeper',
  notifier: 'agenticai-notifier',
} as const;
export type FunctionLabel = keyof typeof SERVICES;

/** The authentication results that are failures (R1.5); `valid` is the only other result. */
export const AUTH_FAILURE_REASONS = ['missing', 'malformed', 'unknown', 'revoked', 'expired'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Dimensions Powertools adds to every metric of this application. */
export const DEFAULT_DIMENSIONS = ['service', 'environment'] as const;

export const METRICS = {
  AuthFailures: {
    emittedBy: ['api'],
    unit: 'Count',
    dimensions: { reason: AUTH_FAILURE_REASONS },
    source: 'src/http/middleware/identify.ts',
  },
  AuthStoreUnavailable: {
    emittedBy: ['api'],
    unit: 'Count',
    dimensions: {},
    source: 'src/http/middleware/identify.ts',
  },
  RateLimited: {
    emittedBy: ['api'],
    unit: 'Count',
    dimensions: {},
    source: 'src/http/middleware/identify.ts',
  },
  RateLimitStoreUnavailable: {
    emittedBy: ['api'],
    unit: 'Count',
    dimensions: {},
    source: 'src/composition/http.ts',
  },
  ProjectsCreated: {
    emittedBy: ['api'],
    unit: 'Count',
    dimensions: {},
    source: 'src/composition/lifecycle.ts',
  },
  ProjectsCompleted: { emittedBy: ['worker'], unit: 'Count', dimensions: {}, source: 'src/app/pipeline.ts' },
  ProjectsFailed: { emittedBy: ['worker'], unit: 'Count', dimensions: {}, source: 'src/app/pipeline.ts' },
  StageFailures: {
    emittedBy: ['worker'],
    unit: 'Count',
    dimensions: { stage: STAGES },
    source: 'src/app/pipeline.ts',
  },
  StageDuration: {
    emittedBy: ['worker'],
    unit: 'Milliseconds',
    dimensions: { stage: STAGES },
    source: 'src/app/pipeline.ts',
  },
  ModelLatency: {
    emittedBy: ['worker'],
    unit: 'Milliseconds',
    dimensions: { stage: STAGES },
    source: 'src/app/pipeline.ts',
  },
  ModelTokens: {
    emittedBy: ['worker'],
    unit: 'Count',
    dimensions: { stage: STAGES },
    source: 'src/app/pipeline.ts',
  },
  ModelCircuitOpened: {
    emittedBy: ['worker'],
    unit: 'Count',
    dimensions: {},
    source: 'src/composition/pipeline.ts',
  },
  /** Published by every sweep, 0 included, so its alarm always has data while the sweeper runs. */
  StuckProjects: { emittedBy: ['sweeper'], unit: 'Count', dimensions: {}, source: 'src/app/pipeline.ts' },
  /** Powertools' cold-start metric (R4.3), emitted once per execution environment. */
  ColdStart: {
    emittedBy: ['api', 'worker', 'sweeper'],
    unit: 'Count',
    dimensions: {},
    source: 'src/adapters/aws/metrics.ts (captureColdStartMetric)',
  },
} as const satisfies Record<
  string,
  {
    emittedBy: readonly FunctionLabel[];
    unit: 'Count' | 'Milliseconds';
    dimensions: Record<string, readonly string[]>;
    source: string;
  }
>;

export type MetricName = keyof typeof METRICS;
/** Metric names as constants, for the code that emits them. */
export const METRIC = Object.fromEntries(Object.keys(METRICS).map((name) => [name, name])) as {
  readonly [K in MetricName]: K;
};

/** The full dimension map a metric is published with (what a CloudWatch alarm or widget must name). */
export function metricDimensions(
  name: MetricName,
  fn: FunctionLabel,
  env: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const def = METRICS[name];
  if (!(def.emittedBy as readonly string[]).includes(fn))
    throw new Error(`${name} is not emitted by the ${fn} function`);
  const expected = Object.keys(def.dimensions).sort();
  if (Object.keys(extra).sort().join() !== expected.join())
    throw new Error(`${name} is emitted with dimensions [${expected.join(', ')}]`);
  return { service: SERVICES[fn], environment: env, ...extra };
}

/**
 * Every metric name × dimension combination per environment — CloudWatch bills each as one custom
 * metric; `agenticai cost estimate` prices this list.
 */
export const EMITTED_METRICS: readonly { name: MetricName; dimensions: Record<string, string> }[] = (
  Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]
).flatMap(([name, def]) =>
  def.emittedBy.flatMap((fn) => {
    const entries = Object.entries(def.dimensions) as [string, readonly string[]][];
    const combos = entries.reduce<Record<string, string>[]>(
      (acc, [key, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))),
      [{}],
    );
    return combos.map((dims) => ({ name, dimensions: { service: SERVICES[fn], ...dims } }));
  }),
);
