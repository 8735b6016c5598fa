import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_FILTER_PATTERN, EVIDENCE_LIMITS, findEvidence } from '../../src/notifier/evidence.ts';
import { parseAlert, toSlack } from '../../src/notifier/format.ts';
import { redact } from '../../src/notifier/redact.ts';
import { ttlCache } from '../../src/notifier/ttl-cache.ts';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';
import { sampleAlarmMessage, sampleCompositeMessage } from '../../src/observability/sample-alarm.ts';

const KEY = `agk_${'A'.repeat(12)}_${'s'.repeat(32)}abcd`;
const logGroups = {
  api: '/aws/lambda/agenticai-production-api',
  worker: '/aws/lambda/agenticai-production-worker',
  sweeper: '/aws/lambda/agenticai-production-sweeper',
  notifier: '/agenticai/production/notifier',
};
const alertFor = (id: string, resource: string, time = '2026-11-23T10:00:00.000Z') => {
  const spec = ALARM_CATALOG.find((a) => a.id === id)!;
  const sample = sampleAlarmMessage(spec, { env: 'production', region: 'eu-west-1', resource, time });
  return parseAlert(sample.subject, sample.message);
};

describe('R3.5 alerts carry the errors themselves', () => {
  it('the most recent error lines of the alarm window, from the affected function, redacted and bounded', async () => {
    const calls: Parameters<Parameters<typeof findEvidence>[1]['filterLogEvents']>[0][] = [];
    const evidence = await findEvidence(alertFor('lambda-error-rate', 'worker'), {
      logGroups,
      filterLogEvents: async (input) => {
        calls.push(input);
        const page = calls.length;
        return {
          events: Array.from({ length: 4 }, (_, i) => ({
            timestamp: Date.parse('2026-11-23T09:56:00Z') + (page * 10 + i) * 1000,
            message: `{"level":"ERROR","message":"stage failed ${page}.${i}","key":"${KEY}","hook":"https://hooks.slack.com/services/T/B/X"}`,
          })),
          nextToken: `page-${page}`,
        };
      },
    });
    // Bounded: a fixed number of pages, whatever the log holds.
    expect(calls).toHaveLength(EVIDENCE_LIMITS.pages);
    expect(calls[0]).toMatchObject({
      logGroupName: logGroups.worker,
      filterPattern: ERROR_FILTER_PATTERN,
      limit: EVIDENCE_LIMITS.eventsPerPage,
      // lambda-error-rate: one 5-minute period, plus a minute for publication delay.
      startTime: Date.parse('2026-11-23T09:54:00Z'),
      endTime: Date.parse('2026-11-23T10:00:00Z'),
    });
    expect(calls[1]!.nextToken).toBe('page-1');
    expect(evidence!.lines).toHaveLength(EVIDENCE_LIMITS.lines);
    expect(evidence!.lines.at(-1)).toContain('stage failed 3.3');
    const text = evidence!.lines.join('\n');
    expect(text).not.toContain('s'.repeat(32));
    expect(text).not.toContain('services/T/B/X');
    expect(evidence!.query!.name).toBe('agenticai-production/errors-by-route');
    expect(evidence!.query!.url).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:logs-insights/,
    );
    // The Slack message shows them.
    const slack = JSON.stringify(toSlack({ ...alertFor('lambda-error-rate', 'worker'), evidence }));
    expect(slack).toContain('stage failed 3.3');
    expect(slack).toContain('Run agenticai-production/errors-by-route');
  });

  it('each alarm reads the logs of the function behind it; a composite reads its triggering child', async () => {
    const seen: string[] = [];
    const deps = {
      logGroups,
      filterLogEvents: async (input: { logGroupName: string }) => {
        seen.push(input.logGroupName);
        return { events: [] };
      },
    };
    await findEvidence(alertFor('stuck-projects', 'production'), deps);
    await findEvidence(alertFor('auth-failure-spike', 'production'), deps);
    await findEvidence(alertFor('dlq-messages', 'qa-dlq'), deps);
    await findEvidence(alertFor('scheduled-heartbeat', 'sweeper'), deps);
    const composite = sampleCompositeMessage({
      env: 'production',
      region: 'eu-west-1',
      children: ['agenticai-production-lambda-consecutive-failures-api'],
      time: '2026-11-23T10:00:00.000Z',
    });
    const evidence = await findEvidence(parseAlert(composite.subject, composite.message), deps);
    expect(seen).toEqual([
      logGroups.sweeper,
      logGroups.api,
      logGroups.worker,
      logGroups.sweeper,
      logGroups.api,
    ]);
    expect(evidence!.lines).toEqual([]);
    expect(
      toSlack({ ...parseAlert(composite.subject, composite.message), evidence })
        .blocks.map((b) => JSON.stringify(b))
        .join(),
    ).toContain('No error lines');
  });

  it('no lookup for OK transitions, budgets or foreign alarms', async () => {
    const filterLogEvents = vi.fn();
    const ok = { ...alertFor('api-5xx', 'api'), state: 'OK' as const };
    expect(await findEvidence(ok, { logGroups, filterLogEvents })).toBeUndefined();
    expect(
      await findEvidence(
        { ...ok, state: 'ALARM', title: 'someone-elses-alarm' },
        { logGroups, filterLogEvents },
      ),
    ).toBeUndefined();
    expect(filterLogEvents).not.toHaveBeenCalled();
  });

  it('redacts API keys, webhook URLs, AWS keys, bearer tokens and secret-named fields', () => {
    const line = redact(
      `key=${KEY} AKIAABCDEFGHIJKLMNOP Authorization: Bearer abc.def {"password":"hunter2","clientSecret":"x\\"y","ok":"kept"} https://hooks.slack.com/services/T/B/X`,
    );
    for (const secret of [
      's'.repeat(32),
      'AKIAABCDEFGHIJKLMNOP',
      'abc.def',
      'hunter2',
      'x\\"y',
      'services/T/B/X',
    ])
      expect(line).not.toContain(secret);
    expect(line).toContain('"ok":"kept"');
    expect(line).toContain(`agk_${'A'.repeat(12)}_[redacted]`);
  });
});

describe('R3.5 the notifier reads its secrets through a short-TTL cache', () => {
  it('a value, "not configured" included, is kept for the TTL only; a failed read is not kept', async () => {
    let now = 0;
    let value: string | undefined;
    let fail = false;
    const load = vi.fn(async () => {
      if (fail) throw new Error('throttled');
      return value;
    });
    const get = ttlCache(load, { ttlMs: 60_000, now: () => now });
    expect(await get()).toBeUndefined();
    value = 'https://hooks.slack.com/services/T/B/X';
    now = 59_999;
    expect(await get()).toBeUndefined();
    now = 60_000;
    expect(await get()).toBe(value);
    expect(load).toHaveBeenCalledTimes(2);
    fail = true;
    now = 200_000;
    await expect(get()).rejects.toThrow('throttled');
    fail = false;
    expect(await get()).toBe(value);
  });
});

describe('notifier Lambda handler (AWS SDK mocked)', () => {
  const sm = mockClient(SecretsManagerClient);
  const logs = mockClient(CloudWatchLogsClient);
  const fetchMock = vi.fn(async () => new Response('ok', { status: 200 }));
  beforeEach(() => {
    sm.reset();
    logs.reset();
    vi.stubGlobal('fetch', fetchMock);
    vi.stubEnv('SLACK_WEBHOOK_SECRET_ID', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack');
    vi.stubEnv('ALERT_LOG_GROUPS', JSON.stringify(logGroups));
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T10:00:05Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('a webhook set after the first alert is used once the TTL passes; the post carries the error lines', async () => {
    const samples = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/alerts/samples.json'), 'utf8'),
    );
    const event: SNSEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:agenticai-production-critical:sub',
          Sns: {
            Type: 'Notification',
            MessageId: 'm-1',
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:agenticai-production-critical',
            Subject: samples.math.subject,
            Message: JSON.stringify(samples.math.message),
            Timestamp: '2026-11-23T10:01:03.000Z',
            SignatureVersion: '1',
            Signature: 'x',
            SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/cert.pem',
            UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/unsubscribe',
            MessageAttributes: {},
          },
        },
      ],
    };
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'unset' }).resolves({
      SecretString: 'https://hooks.slack.com/services/T/B/X',
    });
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          timestamp: Date.parse('2026-11-23T09:58:00Z'),
          message: '{"level":"ERROR","message":"model timed out"}',
        },
      ],
    });
    const { handler } = await import('../../src/entry/notifier-lambda.ts');
    await handler(event);
    expect(fetchMock).not.toHaveBeenCalled(); // Slack not configured yet.
    vi.setSystemTime(new Date('2026-11-23T10:01:10Z')); // past the TTL
    await handler(event);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const body = (fetchMock.mock.calls[0] as unknown as [string, { body: string }])[1].body;
    expect(body).toContain('model timed out');
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toMatchObject({
      logGroupName: logGroups.worker,
      filterPattern: ERROR_FILTER_PATTERN,
    });
  });
});
