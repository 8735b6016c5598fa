import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/domain/project.ts';
import { ALARM_CATALOG, type AlarmSpec, thresholdFor } from '../../src/observability/alarm-catalog.ts';
import { METRICS, type MetricName } from '../../src/observability/metrics.ts';
import {
  captureMetrics,
  jsonPost,
  startTestRuntime,
  type TestRuntime,
  waitFor,
} from '../support/local-app.ts';

/** The functions' timeouts as deployed by default (infra/config.ts; the sweeper's and notifier's in the stack). */
const TIMEOUT_SECONDS = { api: 29, worker: 300, sweeper: 60, notifier: 30 } as const;
const PROJECTS = 20;

/**
 * A normal local run: 20 projects through the real HTTP app and the real pipeline with the template
 * model, an in-memory metrics sink, and the sweeper run once; durations and error counts measured
 * around each API request and each worker invocation.
 */
let rt: TestRuntime;
const metrics = captureMetrics();
const api = { durations: [] as number[], statuses: [] as number[] };
const worker = { durations: [] as number[], errors: 0 };
let sweeps = 0;

beforeAll(async () => {
  rt = await startTestRuntime({ metrics, workers: false });
  rt.queue.start(async (delivery) => {
    const started = performance.now();
    try {
      const decision = await rt.deliver(delivery);
      if (decision.action !== 'done') worker.errors++;
      return decision;
    } finally {
      worker.durations.push(performance.now() - started);
    }
  });
  const timed = async (path: string, init?: RequestInit) => {
    const started = performance.now();
    const res = await rt.request(path, init);
    api.durations.push(performance.now() - started);
    api.statuses.push(res.status);
    return res;
  };
  const ids: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const res = await timed(
      '/api/projects',
      jsonPost({ name: `Normal ${i}`, type: 'api', description: 'A todo REST API' }),
    );
    ids.push(((await res.json()) as Project).id);
  }
  for (const id of ids) {
    await waitFor(
      async () => {
        const project = (await (await timed(`/api/projects/${id}`)).json()) as Project;
        return project.status === 'completed' ? project : undefined;
      },
      60_000,
      `project ${id} to complete`,
    );
  }
  await rt.pipeline.sweep({ requeueAfterMs: 300_000, stuckAfterMs: 900_000 });
  sweeps++;
}, 180_000);
afterAll(async () => {
  await rt?.close();
});

const sum = (name: MetricName) =>
  metrics.counts.filter((c) => c.name === name).length +
  metrics.values.filter((v) => v.name === name).reduce((a, v) => a + v.value, 0);
const max = (xs: number[]) => Math.max(0, ...xs);
const share = (part: number, whole: number) => (100 * part) / Math.max(whole, 1);

/** The normal value of each alarm's metric in the local run, per resource (alarms AWS alone can measure are listed apart). */
function normal(spec: AlarmSpec): Record<string, number> | 'not measurable locally' {
  const api5xx = api.statuses.filter((s) => s >= 500).length;
  switch (spec.id) {
    case 'lambda-error-rate':
      return {
        api: share(api5xx, api.statuses.length),
        worker: share(worker.errors, worker.durations.length),
      };
    case 'api-5xx':
      return { api: api5xx };
    case 'lambda-consecutive-failures':
      return { api: api5xx, worker: worker.errors };
    case 'lambda-duration':
      return { api: max(api.durations), worker: max(worker.durations) };
    case 'api-latency':
      return { api: api.durations.reduce((a, b) => a + b, 0) / api.durations.length };
    case 'api-throttles':
      return { api: api.statuses.filter((s) => s >= 400 && s < 500).length };
    case 'auth-failure-spike':
      return { environment: sum('AuthFailures') };
    case 'pipeline-failures':
      return { environment: sum('ProjectsFailed') };
    case 'stuck-projects':
      return { environment: sum('StuckProjects') };
    case 'ratelimit-store-unavailable':
      return { environment: sum('RateLimitStoreUnavailable') };
    case 'scheduled-heartbeat':
      return { sweeper: sweeps };
    default:
      return 'not measurable locally';
  }
}

const breaches = (spec: AlarmSpec, threshold: number, value: number) =>
  spec.comparison === 'GreaterThanThreshold'
    ? value > threshold
    : spec.comparison === 'GreaterThanOrEqualToThreshold'
      ? value >= threshold
      : value < threshold;

describe('R4.1 thresholds that normal work does not cross (a local run of 20 projects)', () => {
  it('the run is normal: every project completed, nothing failed', () => {
    expect(sum('ProjectsCompleted')).toBe(PROJECTS);
    expect(sum('ProjectsCreated')).toBe(PROJECTS);
  });

  it.each(ALARM_CATALOG.map((spec) => [spec.id, spec] as const))(
    '%s stays quiet under normal work',
    (_id, spec) => {
      const measured = normal(spec);
      if (measured === 'not measurable locally') {
        // Throttles, concurrency, DynamoDB, DLQ depth, WAF and Synthetics exist only in AWS; local mode
        // has none of them (`agenticai canary run` is the canary's local check).
        expect(['function', 'table', 'dlq', 'waf', 'api', 'canary']).toContain(spec.scope);
        return;
      }
      for (const [resource, value] of Object.entries(measured)) {
        const timeoutSeconds = TIMEOUT_SECONDS[resource as keyof typeof TIMEOUT_SECONDS];
        const threshold = thresholdFor(spec, { resource, timeoutSeconds });
        expect(
          breaches(spec, threshold, value),
          `${spec.id} ${resource}: normal ${value} vs threshold ${threshold}`,
        ).toBe(false);
      }
    },
  );

  it('the worker duration threshold sits above one stage of real model work (about 1,500 output tokens)', () => {
    const duration = ALARM_CATALOG.find((a) => a.id === 'lambda-duration')!;
    // A conservative output rate for the configured model; the template model above takes milliseconds.
    const oneStageMs = (1_500 / 20) * 1000;
    expect(
      thresholdFor(duration, { resource: 'worker', timeoutSeconds: TIMEOUT_SECONDS.worker }),
    ).toBeGreaterThan(oneStageMs);
  });

  it('the code emits each metric under its registry name with exactly the registry dimensions', () => {
    const emitted = [...metrics.counts, ...metrics.values];
    expect(new Set(emitted.map((e) => e.name))).toEqual(
      new Set([
        'ProjectsCreated',
        'ProjectsCompleted',
        'StageDuration',
        'ModelLatency',
        'ModelTokens',
        'StuckProjects',
      ]),
    );
    for (const e of emitted) {
      const def = METRICS[e.name];
      expect(Object.keys(e.dimensions).sort(), e.name).toEqual(Object.keys(def.dimensions).sort());
      for (const [key, values] of Object.entries(def.dimensions) as [string, readonly string[]][])
        expect(values).toContain(e.dimensions[key]);
    }
    for (const v of metrics.values) expect(v.unit, v.name).toBe(METRICS[v.name].unit);
  });
});
