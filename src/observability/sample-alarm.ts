import { type AlarmSpec, fill } from './alarm-catalog.ts';

/**
 * The SNS message CloudWatch would publish for `spec` going to ALARM (the recorded payload shape),
 * so `agenticai alarms render` can show exactly what Slack and email would receive, offline.
 */
export function sampleAlarmMessage(
  spec: AlarmSpec,
  opts: { env: string; region: string; resource: string; runbookUrl: string },
) {
  const values: Record<string, string> = {
    env: opts.env,
    function: `agenticai-${opts.env}-${opts.resource}`,
    api: `agenticai-${opts.env}`,
    stage: 'v1',
    table: `agenticai-${opts.env}-${opts.resource}`,
    queue: `agenticai-${opts.env}-${opts.resource}`,
    limit: '100',
    webAcl: `agenticai-${opts.env}`,
    region: opts.region,
  };
  const name = `agenticai-${opts.env}-${spec.id}-${opts.resource}`;
  const dims = (d: Record<string, string>) =>
    Object.entries(d).map(([n, v]) => ({ name: n, value: fill(v, values) }));
  const trigger =
    'expression' in spec.metric
      ? {
          Period: spec.periodSeconds,
          EvaluationPeriods: spec.evaluationPeriods,
          ComparisonOperator: spec.comparison,
          Threshold: spec.threshold,
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
          Threshold: spec.threshold,
        };
  return {
    subject: `ALARM: "${name}" in ${opts.region}`,
    message: JSON.stringify({
      AlarmName: name,
      AlarmDescription: `[${spec.severity}] ${spec.requirement} ${fill(spec.description, values)} Runbook: ${opts.runbookUrl}#${spec.runbookAnchor}`,
      NewStateValue: 'ALARM',
      NewStateReason: `Threshold Crossed: ${spec.datapointsToAlarm} out of the last ${spec.evaluationPeriods} datapoints crossed the threshold (${spec.threshold}).`,
      StateChangeTime: new Date().toISOString(),
      AlarmArn: `arn:aws:cloudwatch:${opts.region}:123456789012:alarm:${name}`,
      OldStateValue: 'OK',
      Trigger: trigger,
    }),
  };
}
