import { resourceNames } from '../naming.ts';
import {
  type AlarmSpec,
  type AlarmTarget,
  fill,
  RUNBOOK_URL,
  renderAlarm,
  type Scope,
  SYSTEM_HEALTH,
} from './alarm-catalog.ts';

/**
 * Function timeouts for offline rendering only (the production defaults); a deployed alarm's
 * threshold comes from its function's configured timeout.
 */
const SAMPLE_TIMEOUT_SECONDS: Record<string, number> = { api: 29, worker: 300, sweeper: 60, notifier: 30 };

/** The resource each scope's sample alarm is rendered for. */
export function sampleResource(scope: Scope, env: string) {
  return (
    {
      function: 'api',
      api: 'api',
      table: 'data',
      dlq: 'pm-dlq',
      waf: 'waf',
      environment: env,
      scheduled: 'sweeper',
      // A canary's alarms are per region: the resource is the region it runs in.
      canary: 'eu-west-1',
    } as const
  )[scope];
}

/** A plausible target for `resource` in `env`, with the deployed names' shapes. */
export function sampleTarget(env: string, resource: string, region: string): AlarmTarget {
  return {
    resource,
    timeoutSeconds: SAMPLE_TIMEOUT_SECONDS[resource] ?? SAMPLE_TIMEOUT_SECONDS.worker,
    values: {
      function: resourceNames(env).resource(resource),
      api: resourceNames(env).prefix,
      stage: 'v1',
      table: resourceNames(env).resource(resource),
      queue: resourceNames(env).resource(resource),
      limit: '100',
      webAcl: resourceNames(env).prefix,
      canary: resourceNames(env).prefix,
      region,
    },
  };
}

/**
 * The SNS message CloudWatch would publish for `spec` going to ALARM (the recorded payload shape),
 * so `agenticai alarms render` and the size-limit tests see exactly what Slack and email would receive.
 */
export function sampleAlarmMessage(
  spec: AlarmSpec,
  opts: { env: string; region: string; resource: string; runbookUrl?: string; time?: string },
) {
  const target = sampleTarget(opts.env, opts.resource, opts.region);
  const rendered = renderAlarm(spec, target, { env: opts.env, runbookUrl: opts.runbookUrl });
  const values = { ...target.values, env: opts.env };
  const name = rendered.alarmName;
  const dims = (d: Record<string, string>) =>
    Object.entries(d).map(([n, v]) => ({ name: n, value: fill(v, values) }));
  const trigger =
    'expression' in spec.metric
      ? {
          Period: spec.periodSeconds,
          EvaluationPeriods: spec.evaluationPeriods,
          ComparisonOperator: spec.comparison,
          Threshold: rendered.threshold,
          Metrics: [
            {
              Id: 'expr_1',
              Expression: fill(spec.metric.expression, values),
              Label: spec.metric.label,
              ReturnData: true,
            },
            ...Object.entries(spec.metric.metrics).map(([id, m]) => ({
              Id: id,
              MetricStat: {
                Metric: { MetricName: m.metricName, Namespace: m.namespace, Dimensions: dims(m.dimensions) },
                Period: spec.periodSeconds,
                Stat: m.statistic,
              },
              ReturnData: false,
            })),
          ],
        }
      : {
          MetricName: spec.metric.metricName,
          Namespace: spec.metric.namespace,
          Statistic: spec.metric.statistic.toUpperCase(),
          Dimensions: dims(spec.metric.dimensions),
          Period: spec.periodSeconds,
          EvaluationPeriods: spec.evaluationPeriods,
          ComparisonOperator: spec.comparison,
          Threshold: rendered.threshold,
        };
  return {
    subject: `ALARM: "${name}" in ${opts.region}`,
    message: JSON.stringify({
      AlarmName: name,
      AlarmDescription: rendered.description,
      NewStateValue: 'ALARM',
      NewStateReason: `Threshold Crossed: ${spec.datapointsToAlarm} out of the last ${spec.evaluationPeriods} datapoints crossed the threshold (${rendered.threshold}).`,
      StateChangeTime: opts.time ?? new Date().toISOString(),
      AlarmArn: `arn:aws:cloudwatch:${opts.region}:123456789012:alarm:${name}`,
      OldStateValue: 'OK',
      Trigger: trigger,
    }),
  };
}

/** The composite's message over `children` (its rule names every covered alarm, so it is long). */
export function sampleCompositeMessage(opts: {
  env: string;
  region: string;
  children: readonly string[];
  runbookUrl?: string;
  time?: string;
}) {
  const name = `${resourceNames(opts.env).alarmPrefix}${SYSTEM_HEALTH.id}`;
  const arn = (n: string) => `arn:aws:cloudwatch:${opts.region}:123456789012:alarm:${n}`;
  const time = opts.time ?? new Date().toISOString();
  return {
    subject: `ALARM: "${name}" in ${opts.region}`,
    message: JSON.stringify({
      AlarmName: name,
      AlarmDescription: `[${SYSTEM_HEALTH.severity}] C ${fill(SYSTEM_HEALTH.description, { env: opts.env })} Runbook: ${opts.runbookUrl ?? RUNBOOK_URL}#${SYSTEM_HEALTH.runbookAnchor}`,
      NewStateValue: 'ALARM',
      NewStateReason: `${arn(opts.children[0]!)} transitioned to ALARM at ${time}`,
      StateChangeTime: time,
      AlarmArn: arn(name),
      OldStateValue: 'OK',
      AlarmRule: opts.children.map((c) => `ALARM("${arn(c)}")`).join(' OR '),
      TriggeringChildren: [{ Arn: arn(opts.children[0]!), State: { Value: 'ALARM', Timestamp: time } }],
    }),
  };
}
