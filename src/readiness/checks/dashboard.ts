import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import { ownStacks } from '../template-set.ts';
import { dashboardMetrics, dashboardsOf, unplotted } from './helpers.ts';

const FIVE_MINUTES = 300;
const ONE_MINUTE = 60;

export const dashboardExists: TemplateCheck = {
  id: 'dashboard',
  requirements: ['R2.1', 'R2.7'],
  description: 'the environment has its own CloudWatch dashboard (opens in the console)',
  run(set) {
    const own = { ...set, stacks: ownStacks(set) };
    const names = dashboardsOf(own).map((d) => d.name);
    return names.includes(resourceNames(set.env).dashboard)
      ? pass(`dashboard ${resourceNames(set.env).dashboard}, ${dashboardsOf(own)[0]!.widgets.length} widgets`)
      : fail(`no dashboard ${resourceNames(set.env).dashboard}`);
  },
};

/** Every resource of `type` has `metrics` plotted at `period` on the dashboard. */
function plottedFor(
  id: string,
  requirement: RequirementId,
  type: string,
  namespace: string,
  metrics: string[],
  period: number,
  what: string,
): TemplateCheck {
  return {
    id,
    requirements: [requirement],
    description: `${what} at ${period / 60}-minute periods`,
    run(set) {
      const problems = metrics.flatMap((metric) =>
        unplotted(set, type, namespace, metric, period).map(
          (logicalId) => `${logicalId}: no ${metric} at ${period} s`,
        ),
      );
      return problems.length > 0
        ? fail(problems.join('; '))
        : pass(`${metrics.join(', ')} of every ${type.split('::')[2]} at ${period} s`);
    },
  };
}

export const dashboardInvocations = plottedFor(
  'dashboard-invocations',
  'R2.2',
  'AWS::Lambda::Function',
  'AWS/Lambda',
  ['Invocations'],
  FIVE_MINUTES,
  'invocations of every function',
);
export const dashboardErrors = plottedFor(
  'dashboard-errors',
  'R2.3',
  'AWS::Lambda::Function',
  'AWS/Lambda',
  ['Errors'],
  FIVE_MINUTES,
  'errors and error rate of every function',
);
export const dashboardTables = plottedFor(
  'dashboard-capacity',
  'R2.5',
  'AWS::DynamoDB::GlobalTable',
  'AWS/DynamoDB',
  ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits'],
  FIVE_MINUTES,
  'consumed capacity of every table',
);
export const dashboardQueues = plottedFor(
  'dashboard-queues',
  'R2.6',
  'AWS::SQS::Queue',
  'AWS/SQS',
  ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'],
  FIVE_MINUTES,
  'depth and oldest-message age of every queue and DLQ',
);

/** Metrics of `namespace` the dashboard shows, by name, with the periods and statistics they appear at. */
function shown(set: Parameters<TemplateCheck['run']>[0], namespace: string) {
  return dashboardMetrics(set).filter((m) => m.namespace === namespace);
}

export const dashboardApi: TemplateCheck = {
  id: 'dashboard-api',
  requirements: ['R2.4'],
  description: 'API request count, 4XX and 5XX at 5-minute periods',
  run(set) {
    const api = shown(set, 'AWS/ApiGateway');
    const missing = ['Count', '4XXError', '5XXError'].filter(
      (name) => !api.some((m) => m.metricName === name && m.period === FIVE_MINUTES),
    );
    return missing.length > 0
      ? fail(`not on the dashboard at 300 s: ${missing.join(', ')}`)
      : pass('Count, 4XXError, 5XXError at 300 s');
  },
};

export const dashboardColdStarts: TemplateCheck = {
  id: 'dashboard-cold-starts',
  requirements: ['R4.3'],
  description:
    'cold starts are plotted (Powertools ColdStart metric or init duration from the platform report)',
  run(set) {
    const widgets = dashboardsOf(set).flatMap((d) => d.widgets);
    const body = JSON.stringify(widgets);
    const metric = body.includes('ColdStart');
    const init = body.includes('initDurationMs');
    return metric || init
      ? pass(
          [metric && 'ColdStart metric', init && 'init duration (Logs Insights)']
            .filter(Boolean)
            .join(' and '),
        )
      : fail('no cold-start widget');
  },
};

export const dashboardLatencyPercentiles: TemplateCheck = {
  id: 'dashboard-latency-percentiles',
  requirements: ['R4.4'],
  description: 'API latency p50, p95 and p99 are plotted',
  run(set) {
    const latency = shown(set, 'AWS/ApiGateway').filter((m) => m.metricName === 'Latency');
    const missing = ['p50', 'p95', 'p99'].filter((stat) => !latency.some((m) => m.stat === stat));
    return missing.length > 0
      ? fail(`API latency ${missing.join(', ')} not plotted`)
      : pass('API Latency p50, p95, p99');
  },
};

export const dashboardPerformancePeriod: TemplateCheck = {
  id: 'dashboard-performance-period',
  requirements: ['R4.5'],
  description: 'performance widgets (API latency, function duration) use 1-minute periods',
  run(set) {
    const all = dashboardMetrics(set);
    const perf = all.filter(
      (m) =>
        (m.namespace === 'AWS/ApiGateway' && m.metricName === 'Latency') ||
        (m.namespace === 'AWS/Lambda' && m.metricName === 'Duration'),
    );
    if (perf.length === 0) return fail('no latency or duration widget');
    const slow = perf.filter((m) => m.period !== ONE_MINUTE);
    return slow.length > 0
      ? fail(`${slow.length} latency/duration metrics not at 60 s`)
      : pass(`${perf.length} latency and duration metrics at 60 s`);
  },
};
