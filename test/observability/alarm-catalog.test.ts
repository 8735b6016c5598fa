import { describe, expect, it } from 'vitest';
import {
  ALARM_CATALOG,
  type AlarmSpec,
  type AlarmTarget,
  renderAlarm,
  thresholdFor,
} from '../../src/observability/alarm-catalog.ts';
import { sampleResource, sampleTarget } from '../../src/observability/sample-alarm.ts';

const targetOf = (spec: AlarmSpec): AlarmTarget =>
  sampleTarget('production', sampleResource(spec.scope, 'production'), 'us-east-1');

/** The same alarm with every threshold moved (fixed values and shares of the timeout alike). */
function moved(spec: AlarmSpec): AlarmSpec {
  const move = (t: AlarmSpec['threshold']) =>
    typeof t === 'number' ? t * 2 + 7 : { fractionOfTimeout: t.fractionOfTimeout / 2 };
  return {
    ...spec,
    threshold: move(spec.threshold),
    thresholdByResource:
      spec.thresholdByResource &&
      Object.fromEntries(Object.entries(spec.thresholdByResource).map(([k, t]) => [k, move(t!)])),
  };
}

describe('R10 the alarm catalog is the single source of every alarm fact', () => {
  it.each(ALARM_CATALOG.map((spec) => [spec.id, spec] as const))(
    '%s: changing its threshold changes every rendering (title, description, rule, dashboard annotation)',
    (_id, spec) => {
      const target = targetOf(spec);
      const before = renderAlarm(spec, target, { env: 'production' });
      const after = renderAlarm(moved(spec), target, { env: 'production' });
      expect(after.threshold).not.toBe(before.threshold);
      expect(after.title).not.toBe(before.title);
      expect(after.description).not.toBe(before.description);
      expect(after.rule).not.toBe(before.rule);
      expect(after.annotation.value).toBe(after.threshold);
      expect(after.annotation.label).not.toBe(before.annotation.label);
    },
  );

  it('titles and descriptions restate no number: every value is filled from the data', () => {
    for (const spec of ALARM_CATALOG) {
      for (const text of [spec.title, spec.description]) {
        // Metric names such as 5XX/4XX and code spans are names, not thresholds.
        expect(text.replace(/[45]XX/g, '').replace(/`[^`]*`/g, ''), `${spec.id}: ${text}`).not.toMatch(/\d/);
      }
    }
  });

  it('R4.1 the API keeps a 10 s duration threshold; other functions get a share of their timeout', () => {
    const duration = ALARM_CATALOG.find((a) => a.id === 'lambda-duration')!;
    expect(thresholdFor(duration, { resource: 'api', timeoutSeconds: 29 })).toBe(10_000);
    const worker = thresholdFor(duration, { resource: 'worker', timeoutSeconds: 300 });
    expect(worker).toBeGreaterThan(10_000);
    expect(worker).toBeLessThan(300_000);
    expect(
      renderAlarm(duration, { resource: 'api', values: { function: 'f' }, timeoutSeconds: 29 }, { env: 'e' })
        .title,
    ).toBe('Lambda duration above 10 s (Maximum, 1 minute)');
  });

  it('R3.3 states its semantics in words built from the data', () => {
    const spec = ALARM_CATALOG.find((a) => a.id === 'lambda-consecutive-failures')!;
    const rendered = renderAlarm(spec, targetOf(spec), { env: 'production' });
    expect(rendered.description).toContain('at least 1 error in each of 3 consecutive 1-minute periods');
  });

  it('every critical alarm says how it pages: itself, or only through system-health; warnings page themselves', () => {
    for (const spec of ALARM_CATALOG) {
      if (spec.severity === 'warning') expect(spec.paging).toBe('direct');
    }
    expect(ALARM_CATALOG.filter((a) => a.paging === 'composite').length).toBeGreaterThan(0);
  });

  it('a heartbeat alarm watches every scheduled function, and no data counts as failure', () => {
    const heartbeat = ALARM_CATALOG.find((a) => a.scope === 'scheduled')!;
    expect(heartbeat).toMatchObject({ comparison: 'LessThanThreshold', treatMissingData: 'breaching' });
    const stuck = ALARM_CATALOG.find((a) => a.id === 'stuck-projects')!;
    // A dead sweeper publishes nothing: that must not turn stuck-projects OK.
    expect(stuck.treatMissingData).not.toBe('notBreaching');
  });
});

describe('alarm titles', () => {
  it('name no resource (the alarm name does), so one title serves every resource and the runbook', () => {
    for (const spec of ALARM_CATALOG)
      expect(spec.title, spec.id).not.toMatch(/\{(function|api|stage|table|queue|webAcl|env|limit|region)\}/);
  });
});
