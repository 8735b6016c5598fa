import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';

/** Two hand-written templates: a production stack and the account stack (budget $40). */
const fixtures = join(import.meta.dirname, '../fixtures/cost-templates');
let stdout = '';
let stderr = '';
beforeEach(() => {
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
});
afterEach(() => vi.restoreAllMocks());

describe('agenticai cost estimate (prices the synthesized templates)', () => {
  it('R5.5 fixed, per-million and per-project figures match a hand computation', async () => {
    expect(
      await runCli([
        'cost',
        'estimate',
        '--template-dir',
        fixtures,
        '--requests-per-month',
        '2000000',
        '--json',
      ]),
    ).toBe(0);
    const result = JSON.parse(stdout);
    const monthly = Object.fromEntries(
      result.fixed.map((i: { item: string; monthly: number }) => [i.item, i.monthly]),
    );
    // 1 ACL $5; 3 rules $3; alarms 1 + 2 metrics = 3 × $0.10; 1 composite $0.50; 1 dashboard $3;
    // canary every 5 min = 8640 runs × $0.0012 = $10.368; 1 key $1 (the account's is not this
    // environment's); 2 secrets $0.80.
    expect(monthly).toMatchObject({
      'WAF web ACLs': 5,
      'WAF rules (incl. managed groups)': 3,
      'CloudWatch alarms (per metric)': 0.3,
      'CloudWatch composite alarms': 0.5,
      'CloudWatch dashboards': 3,
      'Synthetics canary runs': 10.37,
      'KMS customer-managed keys': 1,
      'Secrets Manager secrets': 0.8,
    });
    expect(result.floorPerMillion).toBe(4.925);
    expect(result.perMillionRequestsTotal).toBeCloseTo(
      result.perMillionRequests.reduce((n: number, i: { monthly: number }) => n + i.monthly, 0),
      3,
    );
    expect(result.overFloor).toBeCloseTo(result.perMillionRequestsTotal - 4.925, 3);
    expect(result.requestsPerMonth).toBe(2_000_000);
    expect(result.traffic[0].monthly).toBeCloseTo(2 * result.perMillionRequestsTotal, 1);
    // Model: 4 stages × (2000 × $0.80 + 1500 × $4) / 1e6 = $0.0304.
    expect(result.modelPerProject).toMatchObject({ usd: 0.0304 });
    expect(result.budget).toBe(40);
    expect(result.totalMonthly).toBeCloseTo(result.fixedTotal + result.variableMonthly, 2);
  });

  it('human output: each line item, the floor beside the per-million figure, the gap itemised', async () => {
    expect(await runCli(['cost', 'estimate', '--template-dir', fixtures])).toBe(0);
    expect(stdout).toContain('Synthetics canary runs');
    expect(stdout).toMatch(
      /Per million requests: \$\d+\.\d\d — the floor .* is \$4\.925; \$\d+\.\d\d above it:/,
    );
    expect(stdout).toMatch(/\n {2}\+ \$\d\.\d{4} {2}Logs: the request line/);
    expect(stdout).toMatch(/% of the \$40 budget/);
  });

  it('without synthesized templates: a clear message and exit 1', async () => {
    expect(await runCli(['cost', 'estimate', '--template-dir', '/nonexistent'])).toBe(1);
    expect(stderr).toMatch(/no synthesized templates in \/nonexistent; run npm run synth first/);
  });

  it('a malformed --traffic is a usage error (exit 2)', async () => {
    expect(
      await runCli(['cost', 'estimate', '--all', '--traffic', 'prod=10', '--template-dir', fixtures]),
    ).toBe(2);
    expect(stderr).toMatch(/env=requests pairs/);
  });
});
