import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsSink } from '../../app/ports.ts';
import { METRICS, METRICS_NAMESPACE } from '../../observability/metrics.ts';

/**
 * EMF metrics through Powertools: each value is published at once as its own EMF document, so a
 * long-running local server and a Lambda behave the same and dimensions never leak between calls.
 * Every metric carries the default dimensions `service` and `environment` (src/observability/metrics.ts).
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
  const publish = (name: keyof typeof METRICS, value: number, dimensions: Record<string, string>) => {
    const single = metrics.singleMetric();
    for (const [key, v] of Object.entries(dimensions)) single.addDimension(key, v);
    single.addMetric(
      name,
      METRICS[name].unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count,
      value,
    );
  };
  return {
    /** Powertools' `ColdStart` metric, once per execution environment (R4.3). */
    coldStart() {
      metrics.captureColdStartMetric();
    },
    count(name, dimensions = {}) {
      publish(name, 1, dimensions);
    },
    // The unit is the registry's (one source); the caller's argument documents the call site.
    record(name, value, _unit, dimensions = {}) {
      publish(name, value, dimensions);
    },
  };
}
