import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/errors.ts';
import { type FakeAws, startFakeAws } from '../support/fake-aws.ts';
import { runCli, tempDataDir } from '../support/server-process.ts';

// Exit codes through the real binary (README: 0 success, 1 failure, 2 bad usage, 3 check failed).
// Nothing here reaches AWS: the commands that call it talk to a loopback fake.

let aws: FakeAws;
let dataDir: string;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  dataDir = await tempDataDir();
  aws = await startFakeAws({
    DescribeAlarms: () => ({
      MetricAlarms: [{ AlarmName: 'agenticai-staging-api-5xx-api', StateValue: 'OK' }],
    }),
    SetAlarmState: () => ({}),
    // The notifier never logs the alert: the end-to-end alert test must fail.
    FilterLogEvents: () => ({ events: [] }),
    // A past month (no forecast, whatever today's date): $30 spent.
    GetCostAndUsage: () => ({
      ResultsByTime: [
        {
          TimePeriod: { Start: '2025-10-14', End: '2025-10-15' },
          Groups: [{ Keys: ['AWS Lambda'], Metrics: { UnblendedCost: { Amount: '30', Unit: 'USD' } } }],
        },
      ],
    }),
  });
  env = { ...aws.env, AGENTICAI_DATA_DIR: dataDir, AGENTICAI_ALARM_TEST_POLL_MS: '5' };
});
afterAll(async () => {
  await aws.close();
  await rm(dataDir, { recursive: true, force: true });
});

const costCheck = ['cost', 'report', '--month', '2025-10', '--check', '--budget'];

describe('exit codes of the agenticai binary', () => {
  it(`${EXIT.ok}: success, and help`, async () => {
    expect((await runCli(['alarms', 'list', '--json'], env)).code).toBe(0);
    expect((await runCli(['--help'], env)).code).toBe(0);
    const within = await runCli([...costCheck, '100'], env);
    expect(within.code).toBe(0);
    expect(within.stdout).toContain('Within Budget');
  });

  it(`${EXIT.failure}: the operation failed (an alert that never reached the notifier, a missing template)`, async () => {
    const alarms = await runCli(
      ['--env', 'staging', 'alarms', 'test', '--alarm', 'api-5xx', '--timeout', '1', '--json'],
      env,
    );
    expect(alarms.stderr).toContain('1 of 1 alarms did not reach every channel');
    // No stack trace, whatever AWS answered (the fake answers SNS with nothing it can parse).
    expect(alarms.stderr).not.toMatch(/\n\s+at /);
    expect(alarms.code).toBe(1);
    // The results are still printed, as one JSON document.
    expect(JSON.parse(alarms.stdout)).toEqual([
      expect.objectContaining({ alarm: 'agenticai-staging-api-5xx-api', passed: false }),
    ]);
    expect(aws.calls).toContain('SetAlarmState');

    const estimate = await runCli(['cost', 'estimate', '--template-dir', `${dataDir}/none`], env);
    expect(estimate.code).toBe(1);
    expect(estimate.stderr).toMatch(/^agenticai: no synthesized template/);
  });

  it(`${EXIT.usage}: bad usage (unknown command, invalid value, a refused combination)`, async () => {
    for (const args of [
      ['frobnicate'],
      ['cost', 'report', '--month', '2026-13'],
      ['alarms', 'test', '--all'],
    ]) {
      const res = await runCli(args, env);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it(`${EXIT.checkFailed}: cost report --check over budget`, async () => {
    const over = await runCli([...costCheck, '20'], env);
    expect(over.stdout).toContain('Over Budget');
    expect(over.stderr).toContain('agenticai: over budget');
    expect(over.code).toBe(3);
  });
});
