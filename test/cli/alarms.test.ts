import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';

const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
let stdout = '';
let stderr = '';

beforeEach(() => {
  cw.reset();
  logs.reset();
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
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
    const listed = JSON.parse(stdout) as { id: string }[];
    expect(listed.map((a) => a.id)).toEqual(ALARM_CATALOG.map((a) => a.id));
  });

  it('list --env shows each deployed alarm with its live state', async () => {
    cw.on(DescribeAlarmsCommand, {
      AlarmNamePrefix: 'agenticai-staging-',
      AlarmTypes: ['MetricAlarm'],
    }).resolves({ MetricAlarms: deployed });
    expect(await runCli(['--env', 'staging', '--region', 'us-east-1', 'alarms', 'list', '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
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
    const { text, slack } = JSON.parse(stdout) as { text: string; slack: { blocks: unknown[] } };
    expect(text).toMatch(/^CRITICAL: agenticai-production-api-5xx-api/);
    expect(text).toContain('Dimensions: ApiName=agenticai-production, Stage=v1');
    expect(text).toContain(
      'Runbook:    https://github.com/agenticai/agenticai/blob/main/docs/RUNBOOK.md#api-5xx',
    );
    expect(JSON.stringify(slack)).toContain('Open in CloudWatch');
    expect(await runCli(['alarms', 'render', '--alarm', 'nope'])).toBe(2);
  });

  it('test --alarm sets ALARM, finds the notifier receipt, sets OK, and reports pass', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: deployed });
    cw.on(SetAlarmStateCommand).resolves({});
    logs.on(FilterLogEventsCommand).resolves({ events: [{ message: '{"event":"alert_received"}' }] });
    expect(
      await runCli([
        '--env',
        'staging',
        '--region',
        'us-east-1',
        'alarms',
        'test',
        '--alarm',
        'dlq-messages',
        '--json',
      ]),
    ).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { alarm: 'agenticai-staging-dlq-messages-pm-dlq', passed: true, detail: 'notifier received the alert' },
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
      filterPattern: '{ $.event = "alert_received" && $.alarm = "agenticai-staging-dlq-messages-pm-dlq" }',
    });
  });

  it('test reports FAIL (exit 1) when the notifier never logs the alert, and still resets the alarm', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: deployed });
    cw.on(SetAlarmStateCommand).resolves({});
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    expect(
      await runCli([
        '--env',
        'staging',
        '--region',
        'us-east-1',
        'alarms',
        'test',
        '--all',
        '--timeout',
        '1',
        '--json',
      ]),
    ).toBe(1);
    expect(process.exitCode).toBeUndefined();
    expect(stderr).toContain('2 of 2 alarm(s) did not reach the notifier');
    const results = JSON.parse(stdout) as { passed: boolean }[];
    expect(results).toHaveLength(2);
    expect(results.every((r) => !r.passed)).toBe(true);
    expect(
      cw.commandCalls(SetAlarmStateCommand).filter((c) => c.args[0].input.StateValue === 'OK'),
    ).toHaveLength(2);
  });

  it('test needs --env and exactly one of --alarm/--all (exit 2)', async () => {
    expect(await runCli(['alarms', 'test', '--all'])).toBe(2);
    expect(await runCli(['--env', 'staging', 'alarms', 'test'])).toBe(2);
  });
});
