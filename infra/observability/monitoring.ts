import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmStatusWidget,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnQueryDefinition, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ALARM_CATALOG,
  type AlarmSpec,
  fill,
  type MetricRef,
  type Scope,
} from '../../src/observability/alarm-catalog.ts';
import { AlertTopics } from '../constructs/alert-topics.ts';
import { SAVED_QUERIES } from './saved-queries.ts';

export interface MonitoredFunction {
  /** Short label used in alarm names (`api`, `worker`, `sweeper`). */
  label: string;
  functionName: string;
  logGroup: ILogGroup;
  /** The limit the concurrency alarm compares with: reserved concurrency, else the account's. */
  concurrencyLimit: number;
}

export interface MonitoringProps {
  envName: string;
  adminEmails: string[];
  functions: MonitoredFunction[];
  api: { name: string; stage: string };
  tables: { label: string; tableName: string }[];
  queues: { label: string; queueName: string }[];
  deadLetterQueues: { label: string; queueName: string }[];
  /** The web ACL in front of the API, for its alarm and widgets. */
  waf?: { webAclName: string; region: string; ruleNames: string[] };
  /** The Slack notifier, subscribed to both topics. */
  notifier?: { handler: IFunction };
  /** Where the runbook lives; alarm descriptions link to its sections. */
  runbookUrl?: string;
}

/** Services that publish to the alert topics: alarms, budgets, cost anomaly detection (SPEC §6). */
export const ALERT_PUBLISHERS = [
  'cloudwatch.amazonaws.com',
  'budgets.amazonaws.com',
  'costalerts.amazonaws.com',
] as const;

/**
 * Alerting and observability for one environment: two KMS-encrypted topics (general for warnings,
 * critical) with email subscriptions, every alarm of the catalog bound to this environment's
 * resources, a composite "system health" alarm over the critical ones, the dashboard, and the saved
 * Logs Insights queries.
 */
export class Monitoring extends Construct {
  readonly key: Key;
  readonly deliveryDlq: Queue;
  readonly generalTopic: Topic;
  readonly criticalTopic: Topic;
  readonly alarms: { spec: AlarmSpec; resource: string; alarm: Alarm }[] = [];
  readonly systemHealth: CompositeAlarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const _stack = Stack.of(this);
    const prefix = `agenticai-${props.envName}`;
    const runbook = props.runbookUrl ?? 'docs/RUNBOOK.md';

    const topics = new AlertTopics(this, 'Alerts', {
      prefix,
      adminEmails: props.adminEmails,
      notifier: props.notifier?.handler,
    });
    this.key = topics.key;
    this.generalTopic = topics.general;
    this.criticalTopic = topics.critical;
    this.deliveryDlq = topics.deliveryDlq;

    const targets: Record<Scope, Record<string, string>[]> = {
      function: props.functions.map((f) => ({
        resource: f.label,
        function: f.functionName,
        limit: String(f.concurrencyLimit),
      })),
      api: [{ resource: 'api', api: props.api.name, stage: props.api.stage }],
      table: props.tables.map((t) => ({ resource: t.label, table: t.tableName })),
      dlq: [
        ...props.deadLetterQueues,
        { label: 'alert-delivery-dlq', queueName: this.deliveryDlq.queueName },
      ].map((q) => ({ resource: q.label, queue: q.queueName })),
      waf: props.waf ? [{ resource: 'waf', webAcl: props.waf.webAclName, region: props.waf.region }] : [],
      environment: [{ resource: props.envName }],
    };
    for (const spec of ALARM_CATALOG) {
      for (const values of targets[spec.scope]) {
        const filled = { ...values, env: props.envName };
        const alarm = this.buildAlarm(spec, filled, prefix, runbook);
        this.alarms.push({ spec, resource: values.resource!, alarm });
      }
    }

    const critical = this.alarms.filter((a) => a.spec.severity === 'critical').map((a) => a.alarm);
    this.systemHealth = new CompositeAlarm(this, 'SystemHealth', {
      compositeAlarmName: `${prefix}-system-health`,
      alarmDescription: `Any critical AgenticAI alarm in ${props.envName} is in ALARM. Runbook: ${runbook}#system-health`,
      alarmRule: AlarmRule.anyOf(...critical),
    });
    this.systemHealth.addAlarmAction(new SnsAction(this.criticalTopic));
    this.systemHealth.addOkAction(new SnsAction(this.criticalTopic));

    this.dashboard = this.buildDashboard(props, prefix);

    for (const query of SAVED_QUERIES) {
      const groups =
        query.logs === 'api' ? props.functions.filter((f) => f.label === 'api') : props.functions;
      new CfnQueryDefinition(this, `Query-${query.name}`, {
        name: `${prefix}/${query.name}`,
        queryString: query.query,
        logGroupNames: groups.map((f) => f.logGroup.logGroupName),
      });
    }
  }

  private buildAlarm(
    spec: AlarmSpec,
    values: Record<string, string>,
    prefix: string,
    runbook: string,
  ): Alarm {
    const period = Duration.seconds(spec.periodSeconds);
    const metric = (ref: MetricRef) =>
      new Metric({
        namespace: ref.namespace,
        metricName: ref.metricName,
        statistic: ref.statistic,
        period,
        dimensionsMap: Object.fromEntries(
          Object.entries(ref.dimensions).map(([k, v]) => [k, fill(v, values)]),
        ),
      });
    const source: IMetric =
      'expression' in spec.metric
        ? new MathExpression({
            expression: fill(spec.metric.expression, values),
            label: spec.metric.label,
            period,
            usingMetrics: Object.fromEntries(
              Object.entries(spec.metric.metrics).map(([name, ref]) => [name, metric(ref)]),
            ),
          })
        : metric(spec.metric);
    const alarm = new Alarm(this, `${spec.id}-${values.resource}`, {
      alarmName: `${prefix}-${spec.id}-${values.resource}`,
      alarmDescription: `[${spec.severity}] ${spec.requirement} ${fill(spec.description, values)} Runbook: ${runbook}#${spec.runbookAnchor}`,
      metric: source,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      comparisonOperator:
        spec.comparison === 'GreaterThanThreshold'
          ? ComparisonOperator.GREATER_THAN_THRESHOLD
          : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: {
        notBreaching: TreatMissingData.NOT_BREACHING,
        breaching: TreatMissingData.BREACHING,
        missing: TreatMissingData.MISSING,
        ignore: TreatMissingData.IGNORE,
      }[spec.treatMissingData],
    });
    const topic = spec.severity === 'critical' ? this.criticalTopic : this.generalTopic;
    alarm.addAlarmAction(new SnsAction(topic));
    alarm.addOkAction(new SnsAction(topic));
    return alarm;
  }

  private buildDashboard(props: MonitoringProps, prefix: string): Dashboard {
    const five = Duration.minutes(5);
    const one = Duration.minutes(1);
    const m = (
      namespace: string,
      metricName: string,
      dimensionsMap: Record<string, string>,
      statistic: string,
      period: Duration,
      label?: string,
    ) => new Metric({ namespace, metricName, dimensionsMap, statistic, period, label });
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# AgenticAI ${props.envName}\nHealth (5-minute periods) and performance (1-minute periods). Canary widgets join with the canaries.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [this.systemHealth, ...this.alarms.map((a) => a.alarm)],
        width: 24,
        height: 6,
      }),
    );
    for (const fn of props.functions) {
      const dims = { FunctionName: fn.functionName };
      const errors = m('AWS/Lambda', 'Errors', dims, 'Sum', five);
      const invocations = m('AWS/Lambda', 'Invocations', dims, 'Sum', five);
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
          width: 6,
        }),
        new GraphWidget({
          title: `${fn.label}: duration p50/p95/p99 (1 min)`,
          period: one,
          left: ['p50', 'p95', 'p99'].map((s) => m('AWS/Lambda', 'Duration', dims, s, one, s)),
          width: 6,
        }),
        new GraphWidget({
          title: `${fn.label}: throttles and concurrency (1 min)`,
          period: one,
          left: [m('AWS/Lambda', 'Throttles', dims, 'Sum', one)],
          right: [m('AWS/Lambda', 'ConcurrentExecutions', dims, 'Maximum', one)],
          width: 6,
        }),
      );
    }
    const apiDims = { ApiName: props.api.name, Stage: props.api.stage };
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API: requests, 4XX, 5XX (5 min)',
        period: five,
        left: [
          m('AWS/ApiGateway', 'Count', apiDims, 'Sum', five),
          m('AWS/ApiGateway', '4XXError', apiDims, 'Sum', five),
          m('AWS/ApiGateway', '5XXError', apiDims, 'Sum', five),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API: latency p50/p95/p99 (1 min)',
        period: one,
        left: ['p50', 'p95', 'p99'].map((s) =>
          m('AWS/ApiGateway', 'Latency', apiDims, s, one, `latency ${s}`),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'API: integration latency p50/p95/p99 (1 min)',
        period: one,
        left: ['p50', 'p95', 'p99'].map((s) =>
          m('AWS/ApiGateway', 'IntegrationLatency', apiDims, s, one, `integration ${s}`),
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
              m('AWS/DynamoDB', 'ConsumedReadCapacityUnits', { TableName: t.tableName }, 'Sum', five, 'RCU'),
              m('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', { TableName: t.tableName }, 'Sum', five, 'WCU'),
            ],
            right: [
              m(
                'AWS/DynamoDB',
                'ReadThrottleEvents',
                { TableName: t.tableName },
                'Sum',
                five,
                'read throttles',
              ),
              m(
                'AWS/DynamoDB',
                'WriteThrottleEvents',
                { TableName: t.tableName },
                'Sum',
                five,
                'write throttles',
              ),
            ],
            width: 12,
          }),
      ),
    );
    const allQueues = [...props.queues, ...props.deadLetterQueues];
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Queues and DLQs: depth (5 min)',
        period: five,
        left: allQueues.map((q) =>
          m(
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            { QueueName: q.queueName },
            'Maximum',
            five,
            q.label,
          ),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Queues and DLQs: age of oldest message, s (5 min)',
        period: five,
        left: allQueues.map((q) =>
          m('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: q.queueName }, 'Maximum', five, q.label),
        ),
        width: 12,
      }),
    );
    const app = (metricName: string, service: string, extra: Record<string, string> = {}, label?: string) =>
      m(
        'AgenticAI',
        metricName,
        { environment: props.envName, service, ...extra },
        'Sum',
        five,
        label ?? metricName,
      );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Projects: created, completed, failed (5 min)',
        period: five,
        left: [
          app('ProjectsCreated', 'agenticai-api'),
          app('ProjectsCompleted', 'agenticai-worker'),
          app('ProjectsFailed', 'agenticai-worker'),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Authentication failures by reason (5 min)',
        period: five,
        left: ['missing', 'malformed', 'unknown', 'revoked', 'expired'].map((reason) =>
          app('AuthFailures', 'agenticai-api', { reason }, reason),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Rate-limited requests (5 min)',
        period: five,
        left: [app('RateLimited', 'agenticai-api'), app('RateLimitStoreUnavailable', 'agenticai-api')],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Cold starts per function (Powertools ColdStart, 5 min)',
        period: five,
        left: props.functions.map(
          (f) =>
            new MathExpression({
              expression: `SEARCH('{AgenticAI,function_name,service} MetricName="ColdStart" service="agenticai-${f.label}"', 'Sum', 300)`,
              label: f.label,
              period: five,
            }),
        ),
        width: 24,
      }),
    );
    if (props.waf) {
      const waf = props.waf;
      const byRule = (metricName: string) =>
        waf.ruleNames.map((rule) =>
          m(
            'AWS/WAFV2',
            metricName,
            { WebACL: waf.webAclName, Region: waf.region, Rule: rule },
            'Sum',
            five,
            rule,
          ),
        );
      dashboard.addWidgets(
        new GraphWidget({
          title: 'WAF: blocked requests by rule (5 min)',
          period: five,
          left: byRule('BlockedRequests'),
          width: 12,
        }),
        new GraphWidget({
          title: 'WAF: allowed and counted requests (5 min)',
          period: five,
          left: [
            m(
              'AWS/WAFV2',
              'AllowedRequests',
              { WebACL: waf.webAclName, Region: waf.region, Rule: 'ALL' },
              'Sum',
              five,
              'allowed',
            ),
          ],
          right: byRule('CountedRequests'),
          width: 12,
        }),
      );
    }
    dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Cold starts and init duration (R4.3)',
        logGroupNames: props.functions.map((f) => f.logGroup.logGroupName),
        queryLines: [
          'filter type = "platform.report" and ispresent(record.metrics.initDurationMs)',
          'stats count() as coldStarts, avg(record.metrics.initDurationMs) as avgInitMs by bin(5m)',
        ],
        width: 24,
      }),
    );
    return dashboard;
  }
}
