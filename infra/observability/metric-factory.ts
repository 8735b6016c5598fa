import { Duration } from 'aws-cdk-lib';
import { type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type AlarmSpec, fill, type MetricRef } from '../../src/observability/alarm-catalog.ts';
import {
  type FunctionLabel,
  METRICS_NAMESPACE,
  type MetricName,
  metricDimensions,
} from '../../src/observability/metrics.ts';

/** The two granularities of the dashboard: health at 5 minutes (R2), performance at 1 minute (R4.5). */
export const HEALTH_PERIOD = Duration.minutes(5);
export const PERFORMANCE_PERIOD = Duration.minutes(1);

/**
 * Builds CloudWatch metrics for alarms and widgets, and nothing else: no constructs, no state. The
 * application's metrics take their dimensions from src/observability/metrics.ts, so a widget can
 * only name what the code emits; alarm metrics come from the catalog's `MetricRef`s.
 */
export class MetricFactory {
  constructor(private readonly envName: string) {}

  /** A catalog metric reference with its placeholders filled. */
  fromRef(ref: MetricRef, values: Record<string, string>, period: Duration, label?: string): Metric {
    return new Metric({
      namespace: ref.namespace,
      metricName: ref.metricName,
      statistic: ref.statistic,
      period,
      label,
      dimensionsMap: Object.fromEntries(
        Object.entries(ref.dimensions).map(([k, v]) => [k, fill(v, { env: this.envName, ...values })]),
      ),
    });
  }

  /** The metric (or metric math) an alarm of the catalog watches, for one resource. */
  forAlarm(spec: AlarmSpec, values: Record<string, string>): IMetric {
    const period = Duration.seconds(spec.periodSeconds);
    if (!('expression' in spec.metric)) return this.fromRef(spec.metric, values, period);
    return new MathExpression({
      expression: fill(spec.metric.expression, values),
      label: spec.metric.label,
      period,
      usingMetrics: Object.fromEntries(
        Object.entries(spec.metric.metrics).map(([id, ref]) => [id, this.fromRef(ref, values, period)]),
      ),
    });
  }

  lambda(functionName: string, metricName: string, statistic: string, period: Duration, label?: string) {
    return new Metric({
      namespace: 'AWS/Lambda',
      metricName,
      statistic,
      period,
      label,
      dimensionsMap: { FunctionName: functionName },
    });
  }

  api(
    api: { name: string; stage: string },
    metricName: string,
    statistic: string,
    period: Duration,
    label?: string,
  ) {
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      statistic,
      period,
      label,
      dimensionsMap: { ApiName: api.name, Stage: api.stage },
    });
  }

  dynamo(tableName: string, metricName: string, label: string) {
    return new Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      statistic: 'Sum',
      period: HEALTH_PERIOD,
      label,
      dimensionsMap: { TableName: tableName },
    });
  }

  /** `region`: a queue of another region (a dashboard reads any region's metrics). */
  sqs(queueName: string, metricName: string, label: string, region?: string) {
    return new Metric({
      region,
      namespace: 'AWS/SQS',
      metricName,
      statistic: 'Maximum',
      period: HEALTH_PERIOD,
      label,
      dimensionsMap: { QueueName: queueName },
    });
  }

  waf(waf: { webAclName: string; region: string }, metricName: string, rule: string, label: string) {
    return new Metric({
      namespace: 'AWS/WAFV2',
      metricName,
      statistic: 'Sum',
      period: HEALTH_PERIOD,
      label,
      dimensionsMap: { WebACL: waf.webAclName, Region: waf.region, Rule: rule },
    });
  }

  /** An application (EMF) metric exactly as `fn` publishes it. */
  app(
    name: MetricName,
    fn: FunctionLabel,
    opts: { extra?: Record<string, string>; statistic?: string; period?: Duration; label?: string } = {},
  ) {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      statistic: opts.statistic ?? 'Sum',
      period: opts.period ?? HEALTH_PERIOD,
      label: opts.label ?? name,
      dimensionsMap: metricDimensions(name, fn, this.envName, opts.extra),
    });
  }
}
