import { describe, expect, it } from 'vitest';
import {
  estimateAccount,
  estimateEnvironment,
  FLOOR_PER_MILLION,
  freeTierCredits,
  idleMetricCount,
  modelCostPerProject,
  perMillionRequests,
  type RequestPath,
  requestPath,
  runsPerMonth,
  type Template,
  tracedRequests,
  type Usage,
} from '../../src/domain/cost-estimate.ts';

const usage: Usage = {
  apiDurationMs: 40,
  appLogBytesPerRequest: 400,
  platformLogBytesPerInvocation: 500,
  writesPerRequest: 1,
  readsPerRequest: 0,
  wafLoggedShare: 0.02,
  wafLogRecordBytes: 1500,
  canaryRunSeconds: 4,
  canaryRequestsPerRun: 3,
  scheduledDurationMs: 500,
};
const GIB = 1024 ** 3;

describe('R5.5 cost estimate: pricing math', () => {
  it('the floor is API Gateway REST + WAF + one Lambda request + one DynamoDB write: $4.925', () => {
    expect(FLOOR_PER_MILLION).toBeCloseTo(3.5 + 0.6 + 0.2 + 0.625, 10);
    expect(FLOOR_PER_MILLION).toBeCloseTo(4.925, 10);
  });

  it('schedules: runs a month from rate expressions, nothing for what it cannot read', () => {
    expect(runsPerMonth('rate(5 minutes)')).toBe(8640);
    expect(runsPerMonth('rate(15 minutes)')).toBe(2880);
    expect(runsPerMonth('rate(1 hour)')).toBe(720);
    expect(runsPerMonth('cron(0 12 * * ? *)')).toBe(0);
  });

  it('X-Ray: the reservoir takes one request a second, the fixed rate a share of the rest', () => {
    // 10M a month: 2,592,000 in the reservoir (1/s × 30 days), 5 % of the other 7,408,000.
    expect(tracedRequests(10_000_000, { reservoirPerSecond: 1, fixedRate: 0.05 })).toBe(2_962_400);
    // Below one a second the default rule traces every request.
    expect(tracedRequests(1_000_000, { reservoirPerSecond: 1, fixedRate: 0.05 })).toBe(1_000_000);
    expect(tracedRequests(1_000_000, { reservoirPerSecond: 0, fixedRate: 0.01 })).toBe(10_000);
  });

  it('per million requests: each item priced, the gap over the floor itemised', () => {
    const path: RequestPath = {
      apiMemoryMb: 512,
      apiArm: true,
      waf: true,
      wafLogged: 0.02,
      accessLogBytes: 300,
      tracing: true,
      sampling: { reservoirPerSecond: 0, fixedRate: 0.01 },
      logRetentionDays: 30,
      perMethodMetrics: 0,
    };
    const result = perMillionRequests(path, usage, 1_000_000);
    const byItem = Object.fromEntries(result.items.map((i) => [i.item, i.monthly]));
    expect(byItem['API Gateway REST requests']).toBe(3.5);
    expect(byItem['WAF requests']).toBe(0.6);
    expect(byItem['Lambda requests']).toBe(0.2);
    // 1M × 0.5 GB × 0.040 s = 20,000 GB-s × $0.0000133334 = $0.266668.
    expect(byItem['Lambda compute (arm64, 512 MB, 40 ms)']).toBe(0.2667);
    expect(byItem['DynamoDB writes (rate-limit counter)']).toBe(0.625);
    expect(byItem['DynamoDB reads']).toBe(0);
    // 400 B × 1M = 0.3725 GiB × $0.50.
    expect(byItem['Logs: the request line (400 B)']).toBeCloseTo(0.3725 * 0.5, 4);
    expect(byItem['Logs: Lambda platform lines incl. REPORT (500 B)']).toBeCloseTo(0.4657 * 0.5, 4);
    expect(byItem['Logs: API Gateway access log (300 B)']).toBeCloseTo(0.2794 * 0.5, 4);
    // WAF logs only blocked and counted requests: 2 % × 1500 B = 30 B a request.
    expect(byItem['Logs: WAF, blocked and counted only (2 %)']).toBeCloseTo(0.0279 * 0.5, 4);
    // Stored 30 days: (400 + 500 + 300 + 30) B × 1M = 1.1455 GiB × $0.03.
    expect(byItem['Log storage (30 days)']).toBeCloseTo(((1230 * 1e6) / GIB) * 0.03, 3);
    expect(byItem['X-Ray traces (1 % sampled at this volume)']).toBe(0.05);
    expect(result.floor).toBe(4.925);
    expect(result.total).toBeCloseTo(
      4.925 + 0.2667 + ((1230 * 1e6) / GIB) * 0.5 + ((1230 * 1e6) / GIB) * 0.03 + 0.05,
      3,
    );
    expect(result.overFloor).toBeCloseTo(result.total - 4.925, 4);
    expect(result.gap.map((g) => g.item)).toEqual([
      'Lambda compute (arm64, 512 MB, 40 ms)',
      'Logs: the request line (400 B)',
      'Logs: Lambda platform lines incl. REPORT (500 B)',
      'Logs: API Gateway access log (300 B)',
      'Logs: WAF, blocked and counted only (2 %)',
      'Log storage (30 days)',
      'X-Ray traces (1 % sampled at this volume)',
    ]);
  });

  it("X-Ray: the template's sampling rule, also from the account's shared stacks, else AWS's default", () => {
    const stage: Template = {
      Resources: { Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { TracingEnabled: true } } },
    };
    const rule = (priority: number, fixedRate: number) => ({
      Type: 'AWS::XRay::SamplingRule',
      Properties: {
        SamplingRule: { ServiceName: '*', Priority: priority, ReservoirSize: 0, FixedRate: fixedRate },
      },
    });
    expect(requestPath([stage], usage).sampling).toEqual({ reservoirPerSecond: 1, fixedRate: 0.05 });
    const region: Template = { Resources: { Loose: rule(9000, 0.5), Tight: rule(100, 0.01) } };
    expect(requestPath([stage], usage, [region]).sampling).toEqual({
      reservoirPerSecond: 0,
      fixedRate: 0.01,
    });
  });

  it('an unfiltered WAF log is priced for every request; no WAF, no WAF items', () => {
    const base: RequestPath = {
      apiMemoryMb: 1024,
      apiArm: false,
      waf: true,
      wafLogged: 1,
      accessLogBytes: 0,
      tracing: false,
      sampling: { reservoirPerSecond: 1, fixedRate: 0.05 },
      logRetentionDays: 30,
      perMethodMetrics: 0,
    };
    const logged = perMillionRequests(base, usage, 1_000_000).items;
    expect(logged.find((i) => i.item === 'Logs: WAF, every request')!.quantity).toBe(1.397);
    // x86 at 1 GB × 0.04 s × 1M = 40,000 GB-s × $0.0000166667.
    expect(logged.find((i) => i.item.startsWith('Lambda compute (x86'))!.monthly).toBe(0.6667);
    const none = perMillionRequests({ ...base, waf: false }, usage, 1_000_000).items;
    expect(none.find((i) => i.item === 'WAF requests')!.monthly).toBe(0);
    expect(none.find((i) => i.item.startsWith('Logs: WAF'))!.monthly).toBe(0);
  });
});

/** A small hand-written environment: every fixed item once, numbers chosen to check by hand. */
const template: Template = {
  Resources: {
    Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}] } },
    Plain: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
    Math: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Metrics: [{ Expression: 'a+b' }, { MetricStat: {} }, { MetricStat: {} }] },
    },
    Health: { Type: 'AWS::CloudWatch::CompositeAlarm' },
    Board: { Type: 'AWS::CloudWatch::Dashboard' },
    Canary: {
      Type: 'AWS::Synthetics::Canary',
      Properties: { Schedule: { Expression: 'rate(10 minutes)' }, RunConfig: { MemoryInMB: 2048 } },
    },
    Key: { Type: 'AWS::KMS::Key' },
    Secret: { Type: 'AWS::SecretsManager::Secret' },
    Topic: { Type: 'AWS::SNS::Topic' },
    Sweeper: {
      Type: 'AWS::Lambda::Function',
      Properties: { MemorySize: 256, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'svc-sweeper' } } },
    },
    SweeperLive: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Sweeper' } } },
    Schedule: {
      Type: 'AWS::Events::Rule',
      Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [{ Arn: { Ref: 'SweeperLive' } }] },
    },
  },
};

describe('R5.5 cost estimate: one environment from its template', () => {
  const result = estimateEnvironment([template], {
    requestsPerMonth: 0,
    idleCustomMetrics: 2,
    allCustomMetrics: 12,
    usage,
  });
  const monthly = Object.fromEntries(result.fixed.map((i) => [i.item, i.monthly]));
  const quantity = Object.fromEntries(result.fixed.map((i) => [i.item, i.quantity]));

  it('fixed items: each counted from the template and priced', () => {
    expect(monthly['WAF web ACLs']).toBe(5);
    expect(monthly['WAF rules (incl. managed groups)']).toBe(3);
    // One plain alarm + a metric-math alarm over two metrics: 3 alarm metrics.
    expect(quantity['CloudWatch alarms (per metric)']).toBe(3);
    expect(monthly['CloudWatch alarms (per metric)']).toBe(0.3);
    expect(monthly['CloudWatch composite alarms']).toBe(0.5);
    expect(monthly['CloudWatch dashboards']).toBe(3);
    // Every 10 minutes: 4320 runs × $0.0012 = $5.184.
    expect(quantity['Synthetics canary runs']).toBe(4320);
    expect(monthly['Synthetics canary runs']).toBe(5.18);
    // 4320 runs × 2 GB × 4 s = 34,560 GB-s (x86) × $0.0000166667 = $0.576.
    expect(quantity['Canary Lambda compute (x86, 4 s a run)']).toBe(34_560);
    expect(monthly['Canary Lambda compute (x86, 4 s a run)']).toBe(0.58);
    // 12,960 canary requests at the per-million price.
    expect(quantity['Canary requests through the API (3 a run)']).toBe(0.013);
    // The rule targets the alias: 720 sweeper runs of 0.25 GB × 0.5 s.
    expect(quantity['Scheduled function runs (500 ms each)']).toBe(720);
    expect(monthly['KMS customer-managed keys']).toBe(1);
    expect(monthly['Secrets Manager secrets']).toBe(0.4);
    expect(monthly['SNS topics (publishes and emails within the free tier)']).toBe(0);
    expect(monthly['Custom metrics published idle (schedule, canary path)']).toBe(0.6);
    expect(result.fixedTotal).toBeCloseTo(
      result.fixed.reduce((n, i) => n + i.monthly, 0),
      2,
    );
  });

  it('idle: no traffic line; with traffic, the requests and every other metric the code publishes', () => {
    expect(result.trafficTotal).toBe(0);
    const busy = estimateEnvironment([template], {
      requestsPerMonth: 2_000_000,
      idleCustomMetrics: 2,
      allCustomMetrics: 12,
      usage,
    });
    expect(busy.traffic[1]).toMatchObject({ quantity: 10, monthly: 3 });
    expect(busy.traffic[0]!.monthly).toBeCloseTo(2 * busy.perMillion.total, 2);
    expect(busy.totalMonthly).toBeCloseTo(busy.fixedTotal + busy.trafficTotal, 2);
  });

  it('idle custom metrics: the scheduled functions publish theirs, the canary path only the API cold start', () => {
    const emitted: { name: string; dimensions: Record<string, string> }[] = [
      { name: 'StuckProjects', dimensions: { service: 'svc-sweeper' } },
      { name: 'ColdStart', dimensions: { service: 'svc-sweeper' } },
      { name: 'ColdStart', dimensions: { service: 'svc-api' } },
      { name: 'ProjectsCreated', dimensions: { service: 'svc-api' } },
      { name: 'StageDuration', dimensions: { service: 'svc-worker', stage: 'pm' } },
    ];
    const api = { service: 'svc-api', coldStartMetric: 'ColdStart' };
    expect(idleMetricCount([template], emitted, api)).toBe(3);
    const { Canary: _, ...withoutCanary } = template.Resources;
    expect(idleMetricCount([{ Resources: withoutCanary }], emitted, api)).toBe(2);
  });
});

describe('R5.1 cost estimate --all: one account, one budget, the free tier once', () => {
  const env = (requests: number) =>
    estimateEnvironment([template], {
      requestsPerMonth: requests,
      idleCustomMetrics: 2,
      allCustomMetrics: 12,
      usage,
    });

  it('credits the always-free allowances once for the account, capped by what is used', () => {
    const credits = freeTierCredits([env(0).freeTierUsage, env(0).freeTierUsage]);
    const byItem = Object.fromEntries(credits.map((c) => [c.item, c]));
    // 2 × 3 alarm metrics = 6 < 10 free; 2 dashboards of 3 free; 2 × 4320 canary runs > 100 free.
    expect(byItem['Free alarm metrics']).toMatchObject({ quantity: 6, monthly: -0.6 });
    expect(byItem['Free dashboards']).toMatchObject({ quantity: 2, monthly: -6 });
    expect(byItem['Free canary runs']).toMatchObject({ quantity: 100, monthly: -0.12 });
    expect(byItem['Free custom metrics']).toMatchObject({ quantity: 4, monthly: -1.2 });
    expect(byItem['Free Lambda compute (x86)']).toMatchObject({ quantity: 69_120 });
  });

  it('sums the parts, shares the credit by gross cost, and compares the net with the budget', () => {
    const parts = [
      { name: 'staging', estimate: env(0) },
      { name: 'production', estimate: env(1_000_000) },
    ];
    const account = estimateAccount(parts, 50);
    expect(account.gross).toBeCloseTo(parts[0]!.estimate.totalMonthly + parts[1]!.estimate.totalMonthly, 2);
    expect(account.net).toBeCloseTo(account.gross + account.freeTierTotal, 1);
    const [staging, production] = account.parts;
    expect(staging!.freeTier / production!.freeTier).toBeCloseTo(staging!.gross / production!.gross, 2);
    expect(account.comparedWithBudget).toBe(account.net);
    expect(account.shareOfBudget).toBeCloseTo((account.net / 50) * 100, 1);
    expect(account.withinBudget).toBe(account.net <= 50);
  });

  it('a budget filtered by the Environment tag is compared with that environment only', () => {
    const parts = [
      { name: 'staging', estimate: env(0) },
      { name: 'production', estimate: env(0) },
    ];
    const filtered = estimateAccount(parts, 20, 'production');
    expect(filtered.budgetScope).toBe('production');
    expect(filtered.comparedWithBudget).toBe(filtered.parts[1]!.net);
  });
});

describe('cost estimate: the model line', () => {
  const tokens = { input: 2000, output: 1500 };
  it('R5.5 a cross-region inference profile is priced as its model (the deployed default)', () => {
    // 4 stages × (2000 × $1 + 1500 × $5) / 1e6 = $0.038
    expect(modelCostPerProject('us.anthropic.claude-haiku-4-5-20251001-v1:0', tokens, 4)).toMatchObject({
      usd: 0.038,
    });
    expect(modelCostPerProject('anthropic.claude-haiku-4-5-20251001-v1:0', tokens, 4)).toMatchObject({
      usd: 0.038,
    });
  });

  it('an unknown model has no model line rather than a wrong one', () => {
    expect(modelCostPerProject('eu.example.unknown-model-v1', tokens, 4)).toBeNull();
  });
});
