import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { alarmsKeptBy } from '../../src/observability/alarm-catalog.ts';
import { synthesizeFromEnv } from './synth.ts';

/**
 * `agenticai cost estimate` over the app as `npm run synth` writes it (manifest and templates):
 * the three environments in one account with their default cost profiles.
 */
let synth: ReturnType<typeof synthesizeFromEnv>;
beforeAll(() => {
  synth = synthesizeFromEnv({
    AGENTICAI_ACCOUNT: '111111111111',
    AGENTICAI_ADMIN_EMAILS: 'ops@agenticai.dev',
  });
  expect(synth.synthError).toBeUndefined();
}, 300_000);
afterAll(() => synth?.cleanup());

let stdout = '';
beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

async function estimate(...args: string[]) {
  stdout = '';
  expect(await runCli(['cost', 'estimate', ...args, '--template-dir', synth.outdir, '--json'])).toBe(0);
  return JSON.parse(stdout);
}

describe('R5.1 R5.5 cost estimate on the synthesized templates', () => {
  it('production: every fixed item of the hardening, counted from its template', async () => {
    const production = await estimate('--env', 'production');
    const byItem = Object.fromEntries(
      production.fixed.map((i: { item: string; quantity: number }) => [i.item, i.quantity]),
    );
    // Production keeps the full profile: its own web ACL (rate rule + 4 managed groups), every
    // catalog alarm and the composite, a canary every 5 minutes in 2 regions (R11.5: the second
    // region's stack adds its own encrypted alert topic), the Slack notifier's secret.
    expect(byItem).toMatchObject({
      'WAF web ACLs': 1,
      'WAF rules (incl. managed groups)': 5,
      'CloudWatch composite alarms': 1,
      'CloudWatch dashboards': 1,
      'Synthetics canary runs': 2 * 8640,
      'KMS customer-managed keys': 2,
      'Secrets Manager secrets': 3,
      'SNS topics (publishes and emails within the free tier)': 3,
      // The sweeper every 5 minutes (its alias is the rule's target).
      'Scheduled function runs (300 ms each)': 8640,
      // The sweeper's StuckProjects and cold start, and the API's cold start (canary path).
      'Custom metrics published idle (schedule, canary path)': 3,
    });
    expect(byItem['CloudWatch alarms (per metric)']).toBeGreaterThan(50);
    // Per million: the request path as synthesized (1024 MB arm64 API, tracing on, access log).
    const items = production.perMillionRequests.map((i: { item: string }) => i.item);
    expect(items).toEqual(
      expect.arrayContaining([
        'API Gateway REST requests',
        'WAF requests',
        'Lambda compute (arm64, 1024 MB, 45 ms)',
        'DynamoDB writes (rate-limit counter)',
      ]),
    );
    expect(items.some((i: string) => /^Logs: API Gateway access log \(\d+ B\)$/.test(i))).toBe(true);
    expect(items.some((i: string) => /^X-Ray traces/.test(i))).toBe(true);
    expect(production.floorPerMillion).toBe(4.925);
    expect(production.perMillionRequestsTotal).toBeGreaterThan(production.floorPerMillion);
  });

  it('staging and dev: no web ACL, no composite, no notifier secret; the catalog subset of alarms', async () => {
    for (const [env, profile] of [
      ['staging', 'lean'],
      ['dev', 'minimal'],
    ] as const) {
      const result = await estimate('--env', env);
      const byItem = Object.fromEntries(
        result.fixed.map((i: { item: string; quantity: number }) => [i.item, i.quantity]),
      );
      expect(byItem['WAF web ACLs']).toBe(0);
      expect(byItem['CloudWatch composite alarms']).toBe(0);
      expect(byItem['Secrets Manager secrets']).toBe(2);
      expect(result.perMillionRequests.find((i: { item: string }) => i.item === 'WAF requests').monthly).toBe(
        0,
      );
      // Exactly the alarms the catalog marks for the profile (none of them metric math here).
      const kept = synth.templates[`agenticai-${env}`]!.findResources('AWS::CloudWatch::Alarm');
      const ids = alarmsKeptBy(profile).map((a) => a.id);
      for (const alarm of Object.values(kept) as { Properties: { AlarmName: string } }[])
        expect(ids.some((id) => alarm.Properties.AlarmName.startsWith(`agenticai-${env}-${id}-`))).toBe(true);
    }
  });

  it('--all: dev + staging + production idle in one account cost under $50 net, production at most $40', async () => {
    const account = await estimate('--all');
    const parts = Object.fromEntries(account.parts.map((p: { name: string }) => [p.name, p]));
    expect(Object.keys(parts)).toEqual(['dev', 'staging', 'production', 'account']);
    // --all is the sum of the per-environment estimates, the free tier credited once.
    for (const env of ['dev', 'staging', 'production']) {
      const single = await estimate('--env', env, '--requests-per-month', '0');
      expect(parts[env].fixed).toBe(single.fixedTotal);
      expect(parts[env].gross).toBe(single.totalMonthly);
    }
    const gross = account.parts.reduce((n: number, p: { gross: number }) => n + p.gross, 0);
    expect(account.gross).toBeCloseTo(gross, 2);
    expect(account.net).toBeCloseTo(account.gross + account.freeTierTotal, 1);
    expect(account.freeTierTotal).toBeLessThan(0);
    // The one account budget ($50, unfiltered) against the sum.
    expect(account.budget).toBe(50);
    expect(account.budgetScope).toBe('account');
    expect(account.comparedWithBudget).toBe(account.net);
    expect(account.net).toBeLessThan(50);
    expect(parts.production.net).toBeLessThanOrEqual(40);
    expect(account.withinBudget).toBe(true);
  });

  it('--all --traffic: assumed requests per environment add their traffic cost', async () => {
    const idle = await estimate('--all');
    const busy = await estimate('--all', '--traffic', 'production=1000000');
    const production = busy.parts.find((p: { name: string }) => p.name === 'production');
    expect(production.requestsPerMonth).toBe(1_000_000);
    expect(production.traffic).toBeGreaterThan(0);
    expect(busy.gross).toBeCloseTo(idle.gross + production.traffic, 1);
  });

  it('human --all output: each part, its share of the budget, and the verdict', async () => {
    stdout = '';
    expect(await runCli(['cost', 'estimate', '--all', '--template-dir', synth.outdir])).toBe(0);
    for (const part of ['dev', 'staging', 'production', 'account'])
      expect(stdout).toMatch(new RegExp(`│ ${part} `));
    expect(stdout).toMatch(
      /The budget covers the whole account: \$\d+\.\d\d = \d+(\.\d)?% of \$50 — within budget\./,
    );
    expect(stdout).toContain('Free dashboards');
  });
});
