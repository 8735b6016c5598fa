import { Duration, Stack } from 'aws-cdk-lib';
import { type CompositeAlarm, type Dashboard, GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CANARY_STEPS } from '../../src/canary/health-check.ts';
import { resourceNames } from '../../src/naming.ts';
import { ALERT_LOG_GROUPS_ENV } from '../../src/notifier/evidence.ts';
import type { AlarmTarget, CostProfile, Scope } from '../../src/observability/alarm-catalog.ts';
import type { FunctionLabel } from '../../src/observability/metrics.ts';
import { AlertTopics } from '../constructs/alert-topics.ts';
import { type CatalogAlarms, createCatalogAlarms } from './alarms.ts';
import { createDashboard, type QueueTarget, type WafTarget } from './dashboard.ts';
import { MetricFactory } from './metric-factory.ts';
import { createSavedQueries } from './saved-queries.ts';

export interface MonitoredFunction {
  /** Short label used in alarm names (`api`, `worker`, `sweeper`, `notifier`). */
  readonly label: FunctionLabel;
  readonly functionName: string;
  readonly logGroup: ILogGroup;
  /** The limit the concurrency alarm compares with: reserved concurrency, else the account's. */
  readonly concurrencyLimit: number;
  /** Duration thresholds that are a share of the timeout use it. */
  readonly timeoutSeconds: number;
  /**
   * Invoked on a schedule: it gets a heartbeat alarm (no invocations is a failure).
   * @default false
   */
  readonly scheduled?: boolean;
}

export interface MonitoringProps {
  readonly envName: string;
  readonly adminEmails: string[];
  readonly functions: readonly MonitoredFunction[];
  readonly api: { readonly name: string; readonly stage: string };
  readonly tables: readonly { readonly label: string; readonly tableName: string }[];
  readonly queues: readonly { readonly label: string; readonly queueName: string }[];
  /**
   * `region`: a queue of another region (a canary stack's alert delivery DLQ, R11.5): drawn here,
   * its alarm is in its own stack (an alarm watches its own region only).
   */
  readonly deadLetterQueues: readonly QueueTarget[];
  /** The web ACL in front of the API, for its alarm and widgets. @default no WAF alarm or widgets */
  readonly waf?: WafTarget;
  /**
   * The Slack notifier: subscribed to both topics (`handler`, the alias), told where each
   * function's logs are and allowed to read them for alert evidence (`function`).
   * @default email only
   */
  readonly notifier?: { readonly handler: IFunction; readonly function: LambdaFunction };
  /**
   * Synthetics canaries (R11), every region's (R11.5): dashboard widgets each; an alarm each for
   * those in this stack's region (an alarm watches metrics of its own region only: the other
   * regions' canary stacks hold theirs). @default none
   */
  readonly canaries?: readonly CanaryRef[];
  /** Where the runbook lives; alarm descriptions link to its sections. @default RUNBOOK_URL */
  readonly runbookUrl?: string;
  /** Which catalog alarms exist (their `profiles`) and whether the composite does. @default 'full' */
  readonly costProfile?: CostProfile;
}

/** One health-check canary: its name, its region, and its interval (its alarm's period). */
export interface CanaryRef {
  readonly name: string;
  readonly region: string;
  readonly intervalMinutes: number;
}

/** The catalog target of a canary's alarm: one per region (`canary-failed-<region>`), one run per period. */
export const canaryTarget = (c: CanaryRef): AlarmTarget => ({
  resource: c.region,
  values: { canary: c.name },
  periodSeconds: c.intervalMinutes * 60,
});

/**
 * Alerting and observability for one environment, split the way cdk-monitoring-constructs splits
 * it: topics (AlertTopics, routing in ./topics.ts), a pure metric factory, the catalog's alarms
 * and the composite, the dashboard, and the saved queries.
 */
export class Monitoring extends Construct {
  readonly envName: string;
  readonly key: Key;
  readonly deliveryDlq: Queue;
  readonly generalTopic: Topic;
  readonly criticalTopic: Topic;
  readonly alarms: CatalogAlarms['alarms'];
  readonly systemHealth?: CompositeAlarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.envName = props.envName;
    const prefix = resourceNames(props.envName).prefix;
    const topics = new AlertTopics(this, 'Alerts', {
      prefix,
      adminEmails: props.adminEmails,
      notifier: props.notifier?.handler,
    });
    this.key = topics.key;
    this.generalTopic = topics.general;
    this.criticalTopic = topics.critical;
    this.deliveryDlq = topics.deliveryDlq;

    const fnTarget = (f: MonitoredFunction): AlarmTarget => ({
      resource: f.label,
      values: { function: f.functionName, limit: String(f.concurrencyLimit) },
      timeoutSeconds: f.timeoutSeconds,
    });
    // The alert topics' own dead-letter queue is watched and drawn like the application's (R2.6, C8).
    const deadLetterQueues = [
      ...props.deadLetterQueues,
      { label: 'alert-delivery-dlq', queueName: this.deliveryDlq.queueName },
    ];
    const targets: Record<Scope, AlarmTarget[]> = {
      function: props.functions.map(fnTarget),
      scheduled: props.functions.filter((f) => f.scheduled).map(fnTarget),
      api: [{ resource: 'api', values: { api: props.api.name, stage: props.api.stage } }],
      table: props.tables.map((t) => ({ resource: t.label, values: { table: t.tableName } })),
      dlq: deadLetterQueues
        .filter((q) => !('region' in q) || q.region === undefined || q.region === Stack.of(this).region)
        .map((q) => ({ resource: q.label, values: { queue: q.queueName } })),
      waf: props.waf
        ? [{ resource: 'waf', values: { webAcl: props.waf.webAclName, region: props.waf.region } }]
        : [],
      environment: [{ resource: props.envName, values: {} }],
      canary: (props.canaries ?? []).filter((c) => c.region === Stack.of(this).region).map(canaryTarget),
    };
    const metrics = new MetricFactory(props.envName);
    const { alarms, systemHealth } = createCatalogAlarms(this, {
      envName: props.envName,
      targets,
      metrics,
      channels: { general: this.generalTopic, critical: this.criticalTopic },
      runbookUrl: props.runbookUrl,
      profile: props.costProfile,
    });
    this.alarms = alarms;
    this.systemHealth = systemHealth;

    this.dashboard = createDashboard(this, {
      envName: props.envName,
      metrics,
      functions: props.functions,
      api: props.api,
      tables: props.tables,
      queues: [...props.queues, ...deadLetterQueues],
      waf: props.waf,
      alarms,
      systemHealth,
    });
    if (props.canaries?.length) this.dashboard.addWidgets(...canaryWidgets(props.canaries));

    const api = props.functions.find((f) => f.label === 'api');
    if (api) {
      createSavedQueries(this, {
        envName: props.envName,
        apiLogGroup: api.logGroup,
        allLogGroups: props.functions.map((f) => f.logGroup),
      });
    }

    if (props.notifier) {
      const notifier = props.notifier.function;
      notifier.addEnvironment(
        ALERT_LOG_GROUPS_ENV,
        Stack.of(this).toJsonString(
          Object.fromEntries(props.functions.map((f) => [f.label, f.logGroup.logGroupName])),
        ),
      );
      for (const f of props.functions) f.logGroup.grant(notifier, 'logs:FilterLogEvents');
    }
  }
}

/**
 * R11.4, R11.5: each canary's success rate and duration, overall and per step, by region (a
 * dashboard reads metrics of any region). The period is the slowest canary's interval, so every
 * point holds a run.
 */
function canaryWidgets(canaries: readonly CanaryRef[]) {
  const period = Duration.minutes(Math.max(...canaries.map((c) => c.intervalMinutes)));
  const metric = (name: string, region: string, metricName: string, extra: Record<string, string> = {}) =>
    new Metric({
      namespace: 'CloudWatchSynthetics',
      metricName,
      dimensionsMap: { CanaryName: name, ...extra },
      statistic: 'Average',
      period,
      region,
      label: Object.values(extra)[0] ? `${region} ${Object.values(extra)[0]}` : region,
    });
  return [
    new GraphWidget({
      title: 'Canary SuccessPercent by region',
      width: 8,
      left: canaries.map((c) => metric(c.name, c.region, 'SuccessPercent')),
      leftYAxis: { min: 0, max: 100 },
    }),
    new GraphWidget({
      title: 'Canary Duration by region (ms)',
      width: 8,
      left: canaries.map((c) => metric(c.name, c.region, 'Duration')),
    }),
    new GraphWidget({
      title: 'Canary step Duration by region (ms)',
      width: 8,
      left: canaries.flatMap((c) =>
        CANARY_STEPS.map((step) => metric(c.name, c.region, 'Duration', { StepName: step })),
      ),
    }),
  ];
}
