import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IAlarm,
  LogQueryWidget,
  MathExpression,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { resourceNames } from '../../src/naming.ts';
import type { RenderedAlarm } from '../../src/observability/alarm-catalog.ts';
import { AUTH_FAILURE_REASONS, type FunctionLabel, METRICS } from '../../src/observability/metrics.ts';
import { SAVED_QUERIES } from '../../src/observability/saved-queries.ts';
import { HEALTH_PERIOD, type MetricFactory, PERFORMANCE_PERIOD } from './metric-factory.ts';

export interface DashboardFunction {
  readonly label: FunctionLabel;
  readonly functionName: string;
  readonly logGroup: ILogGroup;
}

/** A queue by name; `region` when it is another region's (drawn here, alarmed in its own stack). */
export interface QueueTarget {
  readonly label: string;
  readonly queueName: string;
  readonly region?: string;
}

/** The web ACL in front of the API: its name, region and rule names (metrics per rule). */
export interface WafTarget {
  readonly webAclName: string;
  readonly region: string;
  readonly ruleNames: readonly string[];
}

export interface MonitoringDashboardProps {
  readonly envName: string;
  readonly metrics: MetricFactory;
  readonly functions: readonly DashboardFunction[];
  readonly api: { readonly name: string; readonly stage: string };
  readonly tables: readonly { readonly label: string; readonly tableName: string }[];
  readonly queues: readonly QueueTarget[];
  readonly waf?: WafTarget;
  /** The alarms, rendered: the status widget lists them and graphs draw their thresholds. */
  readonly alarms: readonly { readonly rendered: RenderedAlarm; readonly alarm: IAlarm }[];
  readonly systemHealth?: IAlarm;
}

/**
 * The environment's dashboard (R2, R4.3–R4.5): health at 5-minute periods, performance at 1-minute
 * periods. Every application metric comes from the metric factory (the dimensions the code emits),
 * and every graph of an alarmed metric draws that alarm's threshold, labelled with its title.
 */
export function createDashboard(scope: Construct, props: MonitoringDashboardProps): Dashboard {
  const m = props.metrics;
  const five = HEALTH_PERIOD;
  const one = PERFORMANCE_PERIOD;
  /** Threshold lines of the alarms `ids` (for `resource`, when given); zero thresholds draw nothing useful. */
  const lines = (ids: string[], resource?: string): HorizontalAnnotation[] =>
    props.alarms
      .filter(
        (a) =>
          ids.includes(a.rendered.spec.id) &&
          (resource === undefined || a.rendered.resource === resource) &&
          a.rendered.threshold !== 0,
      )
      .map((a) => a.rendered.annotation);

  const dashboard = new Dashboard(scope, 'Dashboard', {
    dashboardName: resourceNames(props.envName).dashboard,
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(
    new TextWidget({
      markdown: `# AgenticAI ${props.envName}\nHealth (5-minute periods) and performance (1-minute periods); dashed lines are alarm thresholds.`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new AlarmStatusWidget({
      title: 'Alarms',
      alarms: [...(props.systemHealth ? [props.systemHealth] : []), ...props.alarms.map((a) => a.alarm)],
      width: 24,
      height: 6,
    }),
  );
  for (const fn of props.functions) {
    const errors = m.lambda(fn.functionName, 'Errors', 'Sum', five);
    const invocations = m.lambda(fn.functionName, 'Invocations', 'Sum', five);
    dashboard.addWidgets(
      new GraphWidget({
        title: `${fn.label}: invocations and errors (5 min)`,
        period: five,
        left: [invocations, errors],
        width: 6,
      }),
      new GraphWidget({
        title: `${fn.label}: error rate % (5 min)`,
        period: five,
        left: [
          new MathExpression({
            expression: '100 * e / MAX([i, 1])',
            usingMetrics: { e: errors, i: invocations },
            period: five,
            label: 'error rate %',
          }),
        ],
        leftAnnotations: lines(['lambda-error-rate'], fn.label),
        width: 6,
      }),
      new GraphWidget({
        title: `${fn.label}: duration p50/p95/p99 (1 min)`,
        period: one,
        left: ['p50', 'p95', 'p99'].map((s) => m.lambda(fn.functionName, 'Duration', s, one, s)),
        leftAnnotations: lines(['lambda-duration'], fn.label),
        width: 6,
      }),
      new GraphWidget({
        title: `${fn.label}: throttles and concurrency (1 min)`,
        period: one,
        left: [m.lambda(fn.functionName, 'Throttles', 'Sum', one)],
        right: [m.lambda(fn.functionName, 'ConcurrentExecutions', 'Maximum', one)],
        width: 6,
      }),
    );
  }
  dashboard.addWidgets(
    new GraphWidget({
      title: 'API: requests, 4XX, 5XX (5 min)',
      period: five,
      left: ['Count', '4XXError', '5XXError'].map((name) => m.api(props.api, name, 'Sum', five)),
      leftAnnotations: lines(['api-5xx', 'api-throttles']),
      width: 8,
    }),
    new GraphWidget({
      title: 'API: latency p50/p95/p99 (1 min)',
      period: one,
      left: ['p50', 'p95', 'p99'].map((s) => m.api(props.api, 'Latency', s, one, `latency ${s}`)),
      leftAnnotations: lines(['api-latency']),
      width: 8,
    }),
    new GraphWidget({
      title: 'API: integration latency p50/p95/p99 (1 min)',
      period: one,
      left: ['p50', 'p95', 'p99'].map((s) =>
        m.api(props.api, 'IntegrationLatency', s, one, `integration ${s}`),
      ),
      width: 8,
    }),
  );
  dashboard.addWidgets(
    ...props.tables.map(
      (t) =>
        new GraphWidget({
          title: `DynamoDB ${t.label}: consumed capacity and throttles (5 min)`,
          period: five,
          left: [
            m.dynamo(t.tableName, 'ConsumedReadCapacityUnits', 'RCU'),
            m.dynamo(t.tableName, 'ConsumedWriteCapacityUnits', 'WCU'),
          ],
          right: [
            m.dynamo(t.tableName, 'ReadThrottleEvents', 'read throttles'),
            m.dynamo(t.tableName, 'WriteThrottleEvents', 'write throttles'),
          ],
          width: 12,
        }),
    ),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Queues and DLQs: depth (5 min)',
      period: five,
      left: props.queues.map((q) =>
        m.sqs(q.queueName, 'ApproximateNumberOfMessagesVisible', q.label, q.region),
      ),
      width: 12,
    }),
    new GraphWidget({
      title: 'Queues and DLQs: age of oldest message, s (5 min)',
      period: five,
      left: props.queues.map((q) => m.sqs(q.queueName, 'ApproximateAgeOfOldestMessage', q.label, q.region)),
      width: 12,
    }),
  );
  const authFailures = Object.fromEntries(
    AUTH_FAILURE_REASONS.map((reason) => [
      `f_${reason}`,
      m.app('AuthFailures', 'api', { extra: { reason }, label: reason }),
    ]),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Projects: created, completed, failed (5 min)',
      period: five,
      left: [
        m.app('ProjectsCreated', 'api'),
        m.app('ProjectsCompleted', 'worker'),
        m.app('ProjectsFailed', 'worker'),
      ],
      right: [m.app('StuckProjects', 'sweeper', { statistic: 'Maximum' })],
      width: 8,
    }),
    new GraphWidget({
      title: 'Authentication failures by reason (5 min)',
      period: five,
      left: [
        ...Object.values(authFailures),
        new MathExpression({
          expression: Object.keys(authFailures).join(' + '),
          usingMetrics: authFailures,
          period: five,
          label: 'total',
        }),
      ],
      leftAnnotations: lines(['auth-failure-spike']),
      width: 8,
    }),
    new GraphWidget({
      title: 'Rate-limited requests (5 min)',
      period: five,
      left: [m.app('RateLimited', 'api'), m.app('RateLimitStoreUnavailable', 'api')],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Cold starts per function (Powertools ColdStart, 5 min)',
      period: five,
      left: METRICS.ColdStart.emittedBy.map((fn) => m.app('ColdStart', fn, { label: fn })),
      width: 24,
    }),
  );
  if (props.waf) {
    const waf = props.waf;
    dashboard.addWidgets(
      new GraphWidget({
        title: 'WAF: blocked requests by rule (5 min)',
        period: five,
        left: waf.ruleNames.map((rule) => m.waf(waf, 'BlockedRequests', rule, rule)),
        leftAnnotations: lines(['waf-blocked-spike']),
        width: 12,
      }),
      new GraphWidget({
        title: 'WAF: allowed and counted requests (5 min)',
        period: five,
        left: [m.waf(waf, 'AllowedRequests', 'ALL', 'allowed')],
        right: waf.ruleNames.map((rule) => m.waf(waf, 'CountedRequests', rule, rule)),
        width: 12,
      }),
    );
  }
  const coldStarts = SAVED_QUERIES.find((q) => q.name === 'cold-starts-and-init-duration')!;
  dashboard.addWidgets(
    new LogQueryWidget({
      title: 'Cold starts and init duration (R4.3)',
      logGroupNames: props.functions.map((f) => f.logGroup.logGroupName),
      queryLines: coldStarts.query.split('\n| '),
      width: 24,
    }),
  );
  return dashboard;
}
