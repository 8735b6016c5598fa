import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { powertoolsMetrics } from '../../src/adapters/aws/metrics.ts';
import {
  DEFAULT_DIMENSIONS,
  METRICS,
  METRICS_NAMESPACE,
  type MetricName,
  SERVICES,
} from '../../src/observability/metrics.ts';
import { metricsInTemplate, monitoringTemplate } from './support.ts';

// Synthesizing the construct takes a while on a loaded machine: once, in a hook with its own timeout.
beforeAll(() => {
  monitoringTemplate();
}, 180_000);

/** The EMF documents Powertools prints while `run` runs. */
function emf(run: () => void) {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          _aws: {
            CloudWatchMetrics: {
              Namespace: string;
              Dimensions: string[][];
              Metrics: { Name: string; Unit: string }[];
            }[];
          };
        },
    );
}
const published = (doc: ReturnType<typeof emf>[number]) => {
  const [directive] = doc._aws.CloudWatchMetrics;
  return {
    namespace: directive!.Namespace,
    name: directive!.Metrics[0]!.Name,
    unit: directive!.Metrics[0]!.Unit,
    dimensions: Object.fromEntries(directive!.Dimensions[0]!.map((d) => [d, doc[d] as string])),
  };
};

describe('R4.3 one metrics module: what the code emits is what alarms and widgets read', () => {
  beforeEach(() => {
    // Outside Lambda, Powertools never reports a cold start; this is what Lambda sets.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  });
  afterEach(() => {
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  });

  it('the Powertools adapter publishes every registry metric with service, environment and exactly its dimensions, in its unit', () => {
    for (const [name, def] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
      if (name === 'ColdStart') continue;
      const extra = Object.fromEntries(Object.entries(def.dimensions).map(([k, values]) => [k, values[0]!]));
      const [doc] = emf(() =>
        powertoolsMetrics(SERVICES[def.emittedBy[0]], 'production').record(name, 3, def.unit, extra),
      );
      expect(published(doc!)).toEqual({
        namespace: METRICS_NAMESPACE,
        name,
        unit: def.unit,
        dimensions: { service: SERVICES[def.emittedBy[0]], environment: 'production', ...extra },
      });
    }
  });

  it('ColdStart (captureColdStartMetric without a function name) carries only service and environment, once', () => {
    const sink = powertoolsMetrics('agenticai-worker', 'production');
    const docs = emf(() => {
      sink.coldStart();
      sink.coldStart();
    });
    expect(docs.map(published)).toEqual([
      {
        namespace: METRICS_NAMESPACE,
        name: 'ColdStart',
        unit: 'Count',
        dimensions: { service: 'agenticai-worker', environment: 'production' },
      },
    ]);
  });

  it('every application metric an alarm or a dashboard widget uses is emitted with exactly those dimensions', () => {
    const { template } = monitoringTemplate();
    const used = metricsInTemplate(template).filter((m) => m.namespace === METRICS_NAMESPACE);
    expect(used.length).toBeGreaterThan(10);
    for (const m of used) {
      const def = METRICS[m.name as MetricName];
      expect(def, `${m.where}: ${m.name} is not a metric the code emits`).toBeDefined();
      expect(Object.keys(m.dimensions).sort(), `${m.where}: ${m.name}`).toEqual(
        [...DEFAULT_DIMENSIONS, ...Object.keys(def.dimensions)].sort(),
      );
      expect(m.dimensions.environment).toBe('production');
      expect(def.emittedBy.map((fn) => SERVICES[fn])).toContain(m.dimensions.service);
      for (const [key, values] of Object.entries(def.dimensions) as [string, readonly string[]][])
        expect(values, `${m.where}: ${m.name} ${key}`).toContain(m.dimensions[key]);
    }
    // The cold-start widget shows each function that emits ColdStart, on the emitted dimensions.
    const coldStarts = used.filter((m) => m.name === 'ColdStart').map((m) => m.dimensions.service);
    expect(coldStarts.sort()).toEqual(METRICS.ColdStart.emittedBy.map((fn) => SERVICES[fn]).sort());
  });

  it('R2 every AWS metric a widget or alarm uses names the dimensions AWS publishes it with', () => {
    const { template } = monitoringTemplate();
    const expected: Record<string, string[]> = {
      'AWS/Lambda': ['FunctionName'],
      'AWS/ApiGateway': ['ApiName', 'Stage'],
      'AWS/SQS': ['QueueName'],
      'AWS/WAFV2': ['Region', 'Rule', 'WebACL'],
    };
    for (const m of metricsInTemplate(template)) {
      if (m.namespace === 'CloudWatchSynthetics') {
        // Synthetics publishes per canary, and per canary and step for each executeStep.
        expect([['CanaryName'], ['CanaryName', 'StepName']], `${m.where}: ${m.name}`).toContainEqual(
          Object.keys(m.dimensions).sort(),
        );
      } else if (m.namespace === 'AWS/DynamoDB') {
        expect(Object.keys(m.dimensions).sort()).toEqual(
          m.name === 'SystemErrors' ? ['Operation', 'TableName'] : ['TableName'],
        );
      } else if (expected[m.namespace]) {
        expect(Object.keys(m.dimensions).sort(), `${m.where}: ${m.name}`).toEqual(expected[m.namespace]);
      } else {
        expect(m.namespace).toBe(METRICS_NAMESPACE);
      }
    }
  });
});
