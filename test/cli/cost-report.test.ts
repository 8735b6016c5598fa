import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
} from '@aws-sdk/client-cost-explorer';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';

const ce = mockClient(CostExplorerClient);
const sts = mockClient(STSClient);
const budgets = mockClient(BudgetsClient);
let stdout = '';
let stderr = '';

const day = (date: string, groups: [string, number][]) => ({
  TimePeriod: { Start: date, End: date },
  Groups: groups.map(([service, amount]) => ({
    Keys: [service],
    Metrics: { UnblendedCost: { Amount: String(amount), Unit: 'USD' } },
  })),
});

beforeEach(() => {
  ce.reset();
  sts.reset();
  budgets.reset();
  sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    stderr += String(c);
    return true;
  });
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.exitCode = undefined;
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const at = (iso: string) => vi.useFakeTimers({ toFake: ['Date'], now: new Date(iso) });
const report = async (...args: string[]) => {
  const code = await runCli(['cost', 'report', '--json', ...args]);
  return { code, body: code === 0 ? JSON.parse(stdout) : undefined };
};

describe('agenticai cost report (R5.4, R5.5)', () => {
  it('month to date by service and by day, all pages, credits excluded, with the AWS forecast — in 3 calls', async () => {
    at('2026-11-23T15:00:00Z');
    ce.on(GetCostAndUsageCommand, { NextPageToken: undefined }).resolves({
      ResultsByTime: [
        day('2026-11-01', [
          ['AWS Lambda', 1.5],
          ['Amazon API Gateway', 1],
        ]),
        day('2026-11-02', [['AWS Lambda', 2]]),
      ],
      NextPageToken: 'p2',
    });
    ce.on(GetCostAndUsageCommand, { NextPageToken: 'p2' }).resolves({
      ResultsByTime: [
        day('2026-11-23', [
          ['Amazon DynamoDB', 0.5],
          ['AWS Lambda', 1],
        ]),
      ],
    });
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '10.25', Unit: 'USD' } });
    const { code, body } = await report('--budget', '50');
    expect(code).toBe(0);
    expect(body).toMatchObject({
      currency: 'USD',
      period: { start: '2026-11-01', end: '2026-11-23' },
      monthToDate: 6,
      budget: 50,
      percentOfBudget: 12,
      projectedMonthEnd: 16.25,
      projectionMethod: 'forecast',
      daysRemaining: 7,
      status: 'within',
      byService: [
        { service: 'AWS Lambda', amount: 4.5, share: 75 },
        { service: 'Amazon API Gateway', amount: 1, share: 16.67 },
        { service: 'Amazon DynamoDB', amount: 0.5, share: 8.33 },
      ],
    });
    expect(body.daily).toHaveLength(23);
    expect(body.daily[0]).toEqual({ date: '2026-11-01', amount: 2.5 });
    expect(body.daily[2]).toEqual({ date: '2026-11-03', amount: 0 });
    const request = ce.commandCalls(GetCostAndUsageCommand)[0]!.args[0].input;
    expect(request).toMatchObject({
      TimePeriod: { Start: '2026-11-01', End: '2026-11-24' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
      Filter: { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } } },
    });
    expect(ce.commandCalls(GetCostForecastCommand)[0]!.args[0].input.TimePeriod).toEqual({
      Start: '2026-11-24',
      End: '2026-12-01',
    });
    expect(ce.calls()).toHaveLength(3);
  });

  it('on the 1st of the month: End is the 2nd (exclusive) and the forecast covers the rest', async () => {
    at('2026-11-01T05:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [day('2026-11-01', [['AWS Lambda', 0.3]])] });
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '9', Unit: 'USD' } });
    const { body } = await report('--budget', '50');
    expect(ce.commandCalls(GetCostAndUsageCommand)[0]!.args[0].input.TimePeriod).toEqual({
      Start: '2026-11-01',
      End: '2026-11-02',
    });
    expect(ce.commandCalls(GetCostForecastCommand)[0]!.args[0].input.TimePeriod).toEqual({
      Start: '2026-11-02',
      End: '2026-12-01',
    });
    expect(body).toMatchObject({
      period: { start: '2026-11-01', end: '2026-11-01' },
      daysRemaining: 29,
      projectedMonthEnd: 9.3,
    });
    expect(body.daily).toEqual([{ date: '2026-11-01', amount: 0.3 }]);
  });

  it('on the last day: End is the 1st of next month and there is no forecast to ask for', async () => {
    at('2026-11-30T23:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [day('2026-11-30', [['AWS Lambda', 3]])] });
    const { body } = await report('--budget', '50');
    expect(ce.commandCalls(GetCostAndUsageCommand)[0]!.args[0].input.TimePeriod).toEqual({
      Start: '2026-11-01',
      End: '2026-12-01',
    });
    expect(ce.commandCalls(GetCostForecastCommand)).toHaveLength(0);
    expect(body).toMatchObject({ daysRemaining: 0, monthToDate: 3, projectionMethod: 'linear' });
    expect(body.projectedMonthEnd).toBe(3);
  });

  it('falls back to a linear projection when AWS has too little history to forecast', async () => {
    at('2026-11-10T12:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [day('2026-11-05', [['AWS Lambda', 5]])] });
    ce.on(GetCostForecastCommand).rejects(
      Object.assign(new Error('Insufficient amount of historical data'), {
        name: 'DataUnavailableException',
      }),
    );
    const { body } = await report('--budget', '20');
    expect(body).toMatchObject({ projectionMethod: 'linear', projectedMonthEnd: 15, status: 'within' });
  });

  it('an empty account reports zero, within budget', async () => {
    at('2026-11-10T12:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });
    ce.on(GetCostForecastCommand).rejects(
      Object.assign(new Error('no data'), { name: 'DataUnavailableException' }),
    );
    const { body } = await report();
    expect(body).toMatchObject({
      monthToDate: 0,
      budget: 50,
      byService: [],
      status: 'within',
      projectedMonthEnd: 0,
    });
    expect(body.daily.every((d: { amount: number }) => d.amount === 0)).toBe(true);
  });

  it('uses the deployed AWS Budget when no --budget is given', async () => {
    at('2026-11-10T12:00:00Z');
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    budgets
      .on(DescribeBudgetCommand, { AccountId: '123456789012', BudgetName: 'agenticai-monthly' })
      .resolves({
        Budget: {
          BudgetName: 'agenticai-monthly',
          BudgetLimit: { Amount: '80', Unit: 'USD' },
          TimeUnit: 'MONTHLY',
          BudgetType: 'COST',
        },
      });
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '0', Unit: 'USD' } });
    expect((await report()).body.budget).toBe(80);
  });

  it('--check exits 3 when actual or projected spend exceeds the budget, 0 otherwise', async () => {
    at('2026-11-15T12:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [day('2026-11-14', [['AWS Lambda', 30]])] });
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '30', Unit: 'USD' } });
    expect(await runCli(['cost', 'report', '--budget', '50', '--check'])).toBe(3);
    expect(stderr).toContain('over budget');
    expect(await runCli(['cost', 'report', '--budget', '100', '--check'])).toBe(0);
    // The code is returned, never left in process.exitCode for the entry point to overwrite.
    expect(process.exitCode).toBeUndefined();
  });

  it('a past month: the whole month, no forecast', async () => {
    at('2026-11-15T12:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [day('2026-10-31', [['AWS Lambda', 7]])] });
    const { body } = await report('--month', '2026-10', '--budget', '50');
    expect(ce.commandCalls(GetCostAndUsageCommand)[0]!.args[0].input.TimePeriod).toEqual({
      Start: '2026-10-01',
      End: '2026-11-01',
    });
    expect(ce.commandCalls(GetCostForecastCommand)).toHaveLength(0);
    expect(body).toMatchObject({
      period: { start: '2026-10-01', end: '2026-10-31' },
      daysRemaining: 0,
      projectedMonthEnd: 7,
    });
    expect(body.daily).toHaveLength(31);
    expect(await runCli(['cost', 'report', '--month', '2027-01'])).toBe(2);
    expect(await runCli(['cost', 'report', '--month', 'May'])).toBe(2);
  });

  it('missing credentials or Cost Explorer not enabled: a clear message and exit 1', async () => {
    at('2026-11-15T12:00:00Z');
    ce.on(GetCostAndUsageCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(await runCli(['cost', 'report'])).toBe(1);
    expect(stderr).toMatch(/no AWS credentials found/);
    ce.reset();
    ce.on(GetCostAndUsageCommand).rejects(
      Object.assign(new Error('User not enabled for cost explorer access'), {
        name: 'AccessDeniedException',
      }),
    );
    stderr = '';
    expect(await runCli(['cost', 'report'])).toBe(1);
    expect(stderr).toMatch(/Cost Explorer is not enabled for this account/);
  });

  const fixedDataset = () => {
    at('2026-11-05T12:00:00Z');
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [
        day('2026-11-01', [
          ['AWS Lambda', 1.2],
          ['Amazon API Gateway', 0.8],
        ]),
        day('2026-11-02', [
          ['AWS Lambda', 1.0],
          ['Amazon DynamoDB', 0.5],
        ]),
        day('2026-11-04', [
          ['Amazon CloudWatch', 0.45],
          ['Amazon Simple Storage Service', 0.3],
        ]),
      ],
    });
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '18.25', Unit: 'USD' } });
  };
  const BY_SERVICE = `By Service:
  AWS Lambda:                     $2.20 (51.8%)
  Amazon API Gateway:             $0.80 (18.8%)
  Amazon DynamoDB:                $0.50 (11.8%)
  Amazon CloudWatch:              $0.45 (10.6%)
  Amazon Simple Storage Service:  $0.30 (7.1%)`;
  /** Runs with stdout as a terminal or not; restores both afterwards. */
  const asTerminal = async (
    tty: boolean,
    env: Record<string, string | undefined>,
    fn: () => Promise<void>,
  ) => {
    const saved = { isTTY: process.stdout.isTTY, NO_COLOR: process.env.NO_COLOR, TERM: process.env.TERM };
    Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
    const set = (k: string, v: string | undefined) => {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    };
    for (const [k, v] of Object.entries(env)) set(k, v);
    try {
      await fn();
    } finally {
      Object.defineProperty(process.stdout, 'isTTY', { value: saved.isTTY, configurable: true });
      for (const k of ['NO_COLOR', 'TERM'] as const) set(k, saved[k]);
    }
  };

  it('R5.4 R5.5 piped (not a terminal): daily bars, a sparkline and the projection against the budget in plain ASCII', async () => {
    fixedDataset();
    await asTerminal(false, { NO_COLOR: undefined, TERM: 'xterm-256color' }, async () => {
      expect(await runCli(['cost', 'report', '--budget', '50'])).toBe(0);
    });
    // Bars scale to the peak day (30 wide); the sparkline ramps `_.:-=+*#` over the month's 30 days
    // (blank for days to come); the gauges share one scale with the budget, marked `|`.
    expect(stdout).toBe(`AgenticAI Cost Report - November 2026
=====================================
Current Spending: $4.25 / $50.00 (8.5%)
Days Remaining: 25

${BY_SERVICE}

Daily Trend:
  11-01     $2.00 ##############################
  11-02     $1.50 #######################
  11-03     $0.00
  11-04     $0.75 ###########
  11-05     $0.00
  month  [#+_:_                         ]

Projection against the budget (| = $50.00):
  spent so far     $4.25 ###.....................................| 8.5% of budget
  month end       $22.50 ##################......................| 45.0% of budget

Projected End-of-Month: $22.50 (AWS forecast)
Status: OK Within Budget

Unblended cost from Cost Explorer, credits and refunds excluded; today's figure is partial.
`);
  });

  it('R5.4 R5.5 in a terminal: Unicode blocks; a projection past the budget runs through its marker', async () => {
    fixedDataset();
    await asTerminal(true, { NO_COLOR: undefined, TERM: 'xterm-256color' }, async () => {
      expect(await runCli(['cost', 'report', '--budget', '10'])).toBe(0);
    });
    expect(stdout).toBe(`AgenticAI Cost Report - November 2026
=====================================
Current Spending: $4.25 / $10.00 (42.5%)
Days Remaining: 25

${BY_SERVICE}

Daily Trend:
  11-01     $2.00 ██████████████████████████████
  11-02     $1.50 ███████████████████████
  11-03     $0.00
  11-04     $0.75 ███████████
  11-05     $0.00
  month  [█▆▁▃▁                         ]

Projection against the budget (│ = $10.00):
  spent so far     $4.25 ████████░░░░░░░░░░│░░░░░░░░░░░░░░░░░░░░░░ 42.5% of budget
  month end       $22.50 ██████████████████│██████████████████████ 225.0% of budget

Projected End-of-Month: $22.50 (AWS forecast)
Status: ! Warning: on course to exceed the budget, or past 80 %

Unblended cost from Cost Explorer, credits and refunds excluded; today's figure is partial.
`);
  });

  it.each([
    ['NO_COLOR set', { NO_COLOR: '1', TERM: 'xterm-256color' }],
    ['a dumb terminal', { NO_COLOR: undefined, TERM: 'dumb' }],
  ])('in a terminal with %s: plain ASCII', async (_label, env) => {
    fixedDataset();
    await asTerminal(true, env, async () => {
      expect(await runCli(['cost', 'report', '--budget', '50'])).toBe(0);
    });
    expect(stdout).toMatch(/^[\x20-\x7e\n]*$/);
    expect(stdout).toContain('  month  [#+_:_                         ]');
  });
});
