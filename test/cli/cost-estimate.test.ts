import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { EMITTED_METRICS } from '../../src/observability/metrics.ts';
import { captureOutput } from '../support/capture-output.ts';

const fixtures = join(import.meta.dirname, '../fixtures/cost-templates');
const output = captureOutput();

describe('agenticai cost estimate (prices the synthesized template)', () => {
  it('fixed, per-million and per-project figures match a hand computation', async () => {
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
    const result = JSON.parse(output.stdout);
    const monthly = Object.fromEntries(
      result.fixed.map((i: { item: string; monthly: number }) => [i.item, i.monthly]),
    );
    // Hand-computed: 1 ACL $5; 3 rules $3; alarms 1 + 2 metrics = 3 × $0.10; 1 composite $0.50;
    // 1 dashboard (free); canary every 5 min = 8640 runs × $0.0012 = $10.368; 2 keys $2; 2 secrets $0.80.
    expect(monthly).toMatchObject({
      'WAF web ACLs': 5,
      'WAF rules (incl. managed groups)': 3,
      'CloudWatch alarms (per metric)': 0.3,
      'CloudWatch composite alarms': 0.5,
      'Dashboards beyond the 3 free': 0,
      'Synthetics canary runs': 10.37,
      'KMS customer-managed keys': 2,
      'Secrets Manager secrets': 0.8,
      'Custom metrics (EMF name × dimensions)': Math.round(EMITTED_METRICS.length * 0.3 * 100) / 100,
    });
    // Per million: API GW 3.50 + WAF 0.60 + Lambda 0.20 + compute 0.5 GB × 0.045 s × 1e6 × 0.0000133334 = 0.30
    // + 1 write 0.625 + log 760 B × 1e6 / 2^30 GB × 0.50 = 0.3539.
    expect(result.perMillionRequestsTotal).toBeCloseTo(3.5 + 0.6 + 0.2 + 0.3 + 0.625 + 0.3539, 2);
    expect(result.variableMonthly).toBeCloseTo(2 * result.perMillionRequestsTotal, 1);
    // Model: 4 stages × (2000 × $0.80 + 1500 × $4) / 1e6 = $0.0304.
    expect(result.modelPerProject).toMatchObject({ usd: 0.0304 });
    expect(result.budget).toBe(40);
    expect(result.totalMonthly).toBeCloseTo(result.fixedTotal + result.variableMonthly, 2);
    expect(result.shareOfBudget).toBeCloseTo((result.totalMonthly / 40) * 100, 0);
  });

  it('human output names each line item and the share of the budget', async () => {
    expect(await runCli(['cost', 'estimate', '--template-dir', fixtures])).toBe(0);
    expect(output.stdout).toContain('Synthetics canary runs');
    expect(output.stdout).toMatch(/% of the \$40 budget/);
  });

  it('R11.5 R11.1 canary runs per month = regions × runs at the interval, the other regions read from their canary stacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agenticai-cost-'));
    try {
      cpSync(fixtures, dir, { recursive: true });
      // The second region's stack reuses the canary's logical id: it still counts once more.
      const canary = {
        Type: 'AWS::Synthetics::Canary',
        Properties: { Schedule: { Expression: 'rate(5 minutes)' } },
      };
      writeFileSync(
        join(dir, 'agenticai-production-canary-us-west-2.template.json'),
        JSON.stringify({ Resources: { C1: canary } }),
      );
      // Another environment's canary stack is not this estimate's.
      writeFileSync(
        join(dir, 'agenticai-staging-canary-us-west-2.template.json'),
        JSON.stringify({ Resources: { C1: canary } }),
      );
      expect(await runCli(['cost', 'estimate', '--template-dir', dir, '--json'])).toBe(0);
      const item = JSON.parse(output.stdout).fixed.find(
        (i: { item: string }) => i.item === 'Synthetics canary runs',
      );
      // 2 regions × 30 days × 288 runs a day × $0.0012.
      expect(item).toEqual({
        item: 'Synthetics canary runs',
        quantity: 2 * 8640,
        unit: 'run (2 regions × 8640 per month, every 5 min)',
        unitPrice: 0.0012,
        monthly: 20.74,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without synthesized templates: a clear message and exit 1', async () => {
    expect(await runCli(['cost', 'estimate', '--template-dir', '/nonexistent'])).toBe(1);
  });
});
