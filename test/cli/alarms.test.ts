import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';
import { captureOutput } from '../support/capture-output.ts';

const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const sns = mockClient(SNSClient);
const output = captureOutput();

beforeEach(() => {
  cw.reset();
  logs.reset();
  sns.reset();
  process.env.AGENTICAI_ALARM_TEST_POLL_MS = '5';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const deployed = [
  {
    AlarmName: 'agenticai-staging-dlq-messages-pm-dlq',
    StateValue: 'OK' as const,
    StateUpdatedTimestamp: new Date('2026-11-23T00:00:00Z'),
  },
  {
    AlarmName: 'agenticai-staging-lambda-error-rate-api',
    StateValue: 'ALARM' as const,
    StateUpdatedTimestamp: new Date('2026-11-23T01:00:00Z'),
  },
];

describe('agenticai alarms', () => {
  it('list prints the catalog offline', async () => {
    expect(await runCli(['alarms', 'list', '--json'])).toBe(0);
    const listed = JSON.parse(output.stdout) as { id: string }[];
    expect(listed.map((a) => a.id)).toEqual(ALARM_CATALOG.map((a) => a.id));
  });

  it('list --env shows each deployed alarm with its live state', async () => {
    cw.on(DescribeAlarmsCommand, {
      AlarmNamePrefix: 'agenticai-staging-',
      AlarmTypes: ['MetricAlarm'],
    }).resolves({ MetricAlarms: deployed });
    expect(await runCli(['--env', 'staging', '--region', 'us-east-1', 'alarms', 'list', '--json'])).toBe(0);
    expect(JSON.parse(output.stdout)).toEqual([
      {
        name: 'agenticai-staging-dlq-messages-pm-dlq',
        catalogId: 'dlq-messages',
        state: 'OK',
        since: '2026-11-23T00:00:00.000Z',
      },
      {
        name: 'agenticai-staging-lambda-error-rate-api',
        catalogId: 'lambda-error-rate',
        state: 'ALARM',
        since: '2026-11-23T01:00:00.000Z',
      },
    ]);
  });

  it('R3.5 render prints the Slack and email message of an alarm, offline', async () => {
    expect(await runCli(['alarms', 'render', '--alarm', 'api-5xx', '--json'])).toBe(0);
    const { text, slack } = JSON.parse(output.stdout) as { text: string; slack: { blocks: unknown[] } };
    expect(text).toMatch(/^CRITICAL: agenticai-production-api-5xx-api/);
    expect(text).toContain('Dimensions: ApiName=agenticai-production, Stage=v1');
    expect(text).toContain('Runbook:    docs/RUNBOOK.md#api-5xx');
    expect(JSON.stringify(slack)).toContain('Open in CloudWatch');
    expect(await runCli(['alarms', 'render', '--alarm', 'nope'])).toBe(2);
  });

  const topics = {
    Topics: ['general', 'critical'].map((t) => ({
      TopicArn: `arn:aws:sns:us-east-1:123456789012:agenticai-staging-${t}`,
    })),
  };
  const confirmed = {
    Subscriptions: [
      {
        Protocol: 'email',
        SubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:agenticai-staging-critical:1',
      },
      {
        Protocol: 'lambda',
        SubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:agenticai-staging-critical:2',
      },
    ],
  };
  const line = (event: string, alarm: string, triggeredBy: string | null = null) => ({
    message: JSON.stringify({ level: 'INFO', event, alarm, triggeredBy }),
  });
  const testArgs = (...rest: string[]) => [
    '--env',
    'staging',
    '--region',
    'us-east-1',
    'alarms',
    'test',
    ...rest,
    '--json',
  ];

  it('R3.4 test --alarm sets ALARM, confirms Slack (acknowledged post) and email (confirmed subscription), sets OK: pass', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: deployed });
    cw.on(SetAlarmStateCommand).resolves({});
    sns.on(ListTopicsCommand).resolves(topics);
    sns.on(ListSubscriptionsByTopicCommand).resolves(confirmed);
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        line('alert_received', 'agenticai-staging-dlq-messages-pm-dlq'),
        line('slack_posted', 'agenticai-staging-dlq-messages-pm-dlq'),
      ],
    });
    expect(await runCli(testArgs('--alarm', 'dlq-messages'))).toBe(0);
    expect(JSON.parse(output.stdout)).toEqual([
      {
        alarm: 'agenticai-staging-dlq-messages-pm-dlq',
        topic: 'agenticai-staging-critical',
        passed: true,
        notifier: true,
        slack: { ok: true, detail: 'posted (acknowledged by Slack)' },
        email: { ok: true, detail: '1 confirmed subscription' },
      },
    ]);
    expect(
      cw
        .commandCalls(SetAlarmStateCommand)
        .map((c) => [c.args[0].input.AlarmName, c.args[0].input.StateValue]),
    ).toEqual([
      ['agenticai-staging-dlq-messages-pm-dlq', 'ALARM'],
      ['agenticai-staging-dlq-messages-pm-dlq', 'OK'],
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toMatchObject({
      logGroupName: '/agenticai/staging/notifier',
      filterPattern:
        '{ ($.event = "alert_received" || $.event = "slack_posted" || $.event = "slack_not_configured" || $.event = "slack_delivery_failed") && ($.alarm = "agenticai-staging-dlq-messages-pm-dlq" || $.triggeredBy = "agenticai-staging-dlq-messages-pm-dlq") }',
    });
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)[0]!.args[0].input.TopicArn).toBe(
      'arn:aws:sns:us-east-1:123456789012:agenticai-staging-critical',
    );
  });

  it("an alarm that pages through system-health passes on the composite's lines naming it; the table names each channel", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: deployed });
    cw.on(SetAlarmStateCommand).resolves({});
    sns.on(ListTopicsCommand).resolves(topics);
    sns.on(ListSubscriptionsByTopicCommand).resolves(confirmed);
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        line('alert_received', 'agenticai-staging-system-health', 'agenticai-staging-lambda-error-rate-api'),
        line(
          'slack_not_configured',
          'agenticai-staging-system-health',
          'agenticai-staging-lambda-error-rate-api',
        ),
      ],
    });
    const args = testArgs('--alarm', 'lambda-error-rate').filter((a) => a !== '--json');
    expect(await runCli(args)).toBe(0);
    expect(output.stdout).toMatch(
      /agenticai-staging-lambda-error-rate-api.*agenticai-staging-critical.*pass.*not configured \(email only\).*1 confirmed subscription/s,
    );
  });

  it.each([
    [
      'an email subscription still pending confirmation',
      { Subscriptions: [{ Protocol: 'email', SubscriptionArn: 'PendingConfirmation' }] },
      'slack_posted',
      /pending confirmation/,
    ],
    ['no email subscription at all', { Subscriptions: [] }, 'slack_posted', /no email subscription/],
    ['Slack refusing the post', confirmed, 'slack_delivery_failed', /Slack refused/],
  ])('exit 1 and FAIL in the table for %s', async (_what, subscriptions, slackEvent, detail) => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: deployed });
    cw.on(SetAlarmStateCommand).resolves({});
    sns.on(ListTopicsCommand).resolves(topics);
    sns.on(ListSubscriptionsByTopicCommand).resolves(subscriptions);
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        line('alert_received', 'agenticai-staging-dlq-messages-pm-dlq'),
        line(slackEvent, 'agenticai-staging-dlq-messages-pm-dlq'),
      ],
    });
    expect(await runCli(testArgs('--alarm', 'dlq-messages', '--timeout', '1'))).toBe(1);
    const [result] = JSON.parse(output.stdout) as {
      passed: boolean;
      slack: { detail: string };
      email: { detail: string };
    }[];
    expect(result!.passed).toBe(false);
    expect(`${result!.slack.detail} ${result!.email.detail}`).toMatch(detail);
  });

  it('test reports FAIL (exit 1) when the notifier never logs the alert, and still resets every alarm', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: deployed });
    cw.on(SetAlarmStateCommand).resolves({});
    sns.on(ListTopicsCommand).resolves(topics);
    sns.on(ListSubscriptionsByTopicCommand).resolves(confirmed);
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    expect(await runCli(testArgs('--all', '--timeout', '1'))).toBe(1);
    const results = JSON.parse(output.stdout) as { passed: boolean; notifier: boolean }[];
    expect(process.exitCode).toBeUndefined();
    expect(output.stderr).toContain('2 of 2 alarms did not reach every channel');
    expect(results).toHaveLength(2);
    expect(results.every((r) => !r.passed && !r.notifier)).toBe(true);
    expect(
      cw.commandCalls(SetAlarmStateCommand).filter((c) => c.args[0].input.StateValue === 'OK'),
    ).toHaveLength(2);
  });

  it('test needs --env and exactly one of --alarm/--all (exit 2)', async () => {
    expect(await runCli(['alarms', 'test', '--all'])).toBe(2);
    expect(await runCli(['--env', 'staging', 'alarms', 'test'])).toBe(2);
  });
});
