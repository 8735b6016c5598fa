import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { parseAlert, toSlack, toText } from '../../src/notifier/format.ts';
import { createNotifier } from '../../src/notifier/handler.ts';
import { silentLogger } from '../support/local-app.ts';

type Sample = { subject: string; message: unknown };
const samples = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/alerts/samples.json'), 'utf8'),
) as Record<string, Sample>;
const messageOf = (s: Sample) => (typeof s.message === 'string' ? s.message : JSON.stringify(s.message));
const alertOf = (name: string) => parseAlert(samples[name]!.subject, messageOf(samples[name]!));

function snsEvent(...names: string[]): SNSEvent {
  return {
    Records: names.map((name) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:agenticai-production-critical:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `m-${name}`,
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:agenticai-production-critical',
        Subject: samples[name]!.subject,
        Message: messageOf(samples[name]!),
        Timestamp: '2026-11-23T10:00:38.000Z',
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
        UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

describe('R3.5 alert messages from recorded payloads', () => {
  it('metric alarm: name, severity, state and reason, resource, dimensions, region code, time, console and runbook links', () => {
    const alert = alertOf('metric');
    expect(alert).toMatchObject({
      kind: 'metric',
      title: 'agenticai-production-api-5xx-api',
      severity: 'critical',
      state: 'ALARM',
      resource: 'AWS/ApiGateway 5XXError',
      dimensions: [
        { name: 'ApiName', value: 'agenticai-production' },
        { name: 'Stage', value: 'v1' },
      ],
      region: 'us-east-1',
      time: '2026-11-23T10:00:37.123+0000',
      runbookUrl: 'https://runbooks.example.org/agenticai/RUNBOOK.md#api-5xx',
    });
    expect(alert.reason).toMatch(/greater than the threshold \(10\.0\)/);
    expect(alert.consoleUrl).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/agenticai-production-api-5xx-api',
    );
    const slack = JSON.stringify(toSlack(alert));
    for (const part of [
      'Critical: agenticai-production-api-5xx-api',
      'ApiName=agenticai-production',
      'us-east-1',
      'Runbook',
      'Open in CloudWatch',
    ]) {
      expect(slack).toContain(part);
    }
  });

  it('metric-math alarm: the expression and the function it watches', () => {
    const alert = alertOf('math');
    expect(alert).toMatchObject({ kind: 'math', region: 'eu-west-1', severity: 'critical' });
    expect(alert.resource).toContain('100 * errors / MAX([invocations, 1])');
    expect(alert.dimensions).toEqual([
      { name: 'FunctionName', value: 'agenticai-production-WorkerFunction-AbC123' },
    ]);
  });

  it('composite alarm: the child that triggered it (the rule stays out of Slack fields)', () => {
    const alert = alertOf('composite');
    expect(alert.kind).toBe('composite');
    expect(alert.resource).toBe('triggered by agenticai-production-api-5xx-api');
    expect(alert.children).toEqual(['agenticai-production-api-5xx-api']);
    expect(alert.rule).toContain('ALARM("agenticai-production-api-5xx-api")');
    expect(alert.reason).toContain('agenticai-production-api-5xx-api transitioned to ALARM');
    // The triggering child's runbook checks come with it.
    expect(alert.runbookChecks?.[0]).toMatch(/X-Request-Id/);
  });

  it('OK transition: shown as resolved', () => {
    const alert = alertOf('ok');
    expect(alert).toMatchObject({ state: 'OK', severity: 'info' });
    expect(toSlack(alert).blocks[0]).toMatchObject({
      text: { text: 'Resolved: agenticai-production-api-5xx-api' },
    });
    expect(toText(alert)).toMatch(/^RESOLVED: agenticai-production-api-5xx-api/);
  });

  it('Budgets notification: the budget, the threshold and the amount; 100 % is critical', () => {
    const alert = alertOf('budget');
    expect(alert).toMatchObject({
      kind: 'budget',
      severity: 'critical',
      resource: 'budget agenticai-monthly',
    });
    expect(alert.reason).toBe('threshold > $50.00, amount $51.27');
    const warning = parseAlert(
      'AWS Budgets',
      messageOf(samples.budget!).replace('Alert Threshold: > $50.00', 'Alert Threshold: > $40.00'),
    );
    expect(warning.severity).toBe('warning');
  });

  it('an unknown payload still produces a message', () => {
    const alert = alertOf('unknown');
    expect(alert).toMatchObject({ kind: 'unknown', title: 'Something else' });
    expect(toText(alert)).toContain('{"hello":"world"}');
  });
});

describe('notifier Lambda', () => {
  it('posts one Block Kit message per notification and logs each receipt', async () => {
    const post = vi.fn(async (_url: string, _body: unknown) => ({ ok: true, status: 200 }));
    const logger = silentLogger();
    const info = vi.spyOn(logger, 'info');
    const warn = vi.spyOn(logger, 'warn');
    await createNotifier({ webhookUrl: async () => 'https://hooks.slack.com/services/T/B/X', post, logger })(
      snsEvent('metric', 'math', 'composite', 'ok', 'budget', 'unknown'),
    );
    expect(post).toHaveBeenCalledTimes(6);
    expect(info.mock.calls.filter(([, f]) => (f as { event: string }).event === 'slack_posted')).toHaveLength(
      6,
    );
    expect(post.mock.calls[0]![0]).toBe('https://hooks.slack.com/services/T/B/X');
    expect(
      info.mock.calls.filter(([, f]) => (f as { event: string }).event === 'alert_received'),
    ).toHaveLength(6);
    expect(warn).toHaveBeenCalledWith(
      'unrecognised notification; posting it as is',
      expect.objectContaining({ event: 'alert_unrecognised' }),
    );
  });

  it('without Slack configured it logs and returns (email is the baseline)', async () => {
    const post = vi.fn();
    await createNotifier({ webhookUrl: async () => undefined, post, logger: silentLogger() })(
      snsEvent('metric'),
    );
    expect(post).not.toHaveBeenCalled();
  });

  it('Slack down or refusing: the error is logged and the invocation fails (so it is retried, then dead-lettered)', async () => {
    for (const post of [
      vi.fn(async () => ({ ok: false, status: 503 })),
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    ]) {
      const logger = silentLogger();
      const error = vi.spyOn(logger, 'error');
      await expect(
        createNotifier({ webhookUrl: async () => 'https://hooks.slack.com/services/T/B/X', post, logger })(
          snsEvent('metric'),
        ),
      ).rejects.toThrow();
      expect(error).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ event: 'slack_delivery_failed' }),
      );
    }
  });
});
