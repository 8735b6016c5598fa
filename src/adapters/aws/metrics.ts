import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../../app/ports.ts';

export const METRICS_NAMESPACE = 'AgenticAI';

/**
 * EMF metrics through Powertools: each count is published at once as its own EMF document, so a
 * long-running local server and a Lambda behave the same and dimensions never leak between calls.
 */
export function powertoolsMetrics(
  serviceName: string,
  environment: string,
): MetricsSink & { coldStart(): void } {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName,
    defaultDimensions: { environment },
  });
  return {
    /** Powertools' `ColdStart` metric, once per execution environment (R4.3). */
    coldStart() {
      metrics.captureColdStartMetric();
    },
    count(name, dimensions = {}) {
      const single = metrics.singleMetric();
      for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
      single.addMetric(name, MetricUnit.Count, 1);
    },
    record(name, value, unit, dimensions = {}) {
      const single = metrics.singleMetric();
      for (const [key, v] of Object.entries(dimensions)) single.addDimension(key, v);
      single.addMetric(name, unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count, value);
    },
  };
}
