import { describe, expect, it } from 'vitest';
import { EVIDENCE_LIMITS, type Evidence } from '../../src/notifier/evidence.ts';
import { type Alert, parseAlert, SLACK_LIMITS, toSlack, toText } from '../../src/notifier/format.ts';
import { ALARM_CATALOG, renderAlarm } from '../../src/observability/alarm-catalog.ts';
import { SERVICES } from '../../src/observability/metrics.ts';
import {
  sampleAlarmMessage,
  sampleCompositeMessage,
  sampleResource,
  sampleTarget,
} from '../../src/observability/sample-alarm.ts';

/** SNS: a message is at most 256 KB; an email subject at most 100 characters (CloudWatch writes it). */
const EMAIL_LIMITS = { bytes: 256 * 1024 } as const;

/** The worst evidence an alert can carry: every line at its maximum, full of characters Slack escapes. */
const worstEvidence: Evidence = {
  logGroup: '/aws/lambda/agenticai-production-WorkerFunction-AbCdEfGhIjKl',
  from: '2026-11-23T09:54:00.000Z',
  to: '2026-11-23T10:00:00.000Z',
  lines: Array.from({ length: EVIDENCE_LIMITS.lines }, () => '<&>'.repeat(EVIDENCE_LIMITS.lineChars / 3)),
  query: { name: 'agenticai-production/errors-by-route', url: `https://x/${'a'.repeat(2500)}` },
};

function checkSlack(alert: Alert) {
  const slack = toSlack(alert);
  expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of slack.blocks as {
    type: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { text: string }[];
  }[]) {
    if (block.type === 'header') expect(block.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (block.fields) {
      expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    for (const e of block.elements ?? []) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
  }
  expect(Buffer.byteLength(toText(alert))).toBeLessThanOrEqual(EMAIL_LIMITS.bytes);
  return slack;
}

/** Every resource each alarm is created for in production (the functions, tables, queues… of the stack). */
const resourcesOf = (scope: (typeof ALARM_CATALOG)[number]['scope']) =>
  ({
    function: Object.keys(SERVICES),
    scheduled: ['sweeper'],
    api: ['api'],
    table: ['data', 'counters'],
    dlq: ['pm-dlq', 'dev-dlq', 'qa-dlq', 'ops-dlq', 'sweeper-dlq', 'notifier-dlq', 'alert-delivery-dlq'],
    waf: ['waf'],
    environment: ['production'],
    canary: ['eu-west-1', 'ap-southeast-2'],
  })[scope];

describe('R3.5 every catalog alarm fits Slack Block Kit and email limits', () => {
  it.each(ALARM_CATALOG.map((spec) => [spec.id, spec] as const))(
    '%s, with the largest evidence',
    (_id, spec) => {
      for (const resource of resourcesOf(spec.scope)) {
        const sample = sampleAlarmMessage(spec, { env: 'production', region: 'eu-west-1', resource });
        const alert = parseAlert(sample.subject, sample.message);
        expect(alert.runbookChecks?.length).toBeGreaterThan(0);
        checkSlack({ ...alert, evidence: worstEvidence });
        checkSlack(alert);
      }
    },
  );

  it('the composite system-health alarm, even over every alarm of the catalog (a rule far over 2,000 characters)', () => {
    // Worse than the deployed composite (only the alarms that page through it): every alarm.
    const children = ALARM_CATALOG.flatMap((spec) =>
      resourcesOf(spec.scope).map(
        (resource) =>
          renderAlarm(spec, sampleTarget('production', resource, 'eu-west-1'), { env: 'production' })
            .alarmName,
      ),
    );
    // Many children in ALARM at once, the worst case for the "triggered by" list.
    const sample = sampleCompositeMessage({ env: 'production', region: 'eu-west-1', children });
    const message = JSON.parse(sample.message) as Record<string, unknown>;
    message.TriggeringChildren = children.map((c) => ({
      Arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${c}`,
      State: { Value: 'ALARM' },
    }));
    expect((message.AlarmRule as string).length).toBeGreaterThan(2000);
    const alert = parseAlert(sample.subject, JSON.stringify(message));
    expect(alert.kind).toBe('composite');
    const slack = checkSlack({ ...alert, evidence: worstEvidence });
    expect(JSON.stringify(slack)).not.toContain('ALARM(');
  });

  it('sample resources exist for every scope', () => {
    for (const spec of ALARM_CATALOG)
      expect(resourcesOf(spec.scope)).toContain(sampleResource(spec.scope, 'production'));
  });
});
