import { beforeAll, describe, expect, it } from 'vitest';
import { COST_PROFILE_METADATA } from '../../src/domain/cost-profile.ts';
import { buildReport, type CheckOutcome } from '../../src/readiness/report.ts';
import { synthesizeTemplates } from '../../src/readiness/synthesize.ts';
import { costProfileOf, type StackTemplate, templateSetFor } from '../../src/readiness/template-set.ts';

/**
 * What a cheaper cost profile gives up is reported as not applicable in that environment, with the
 * reason — never a silent failure — and production, which gives up nothing, is checked in full.
 */
let stacks: StackTemplate[];
beforeAll(async () => {
  stacks = await synthesizeTemplates();
}, 180_000);

const checksOf = (env: string) =>
  new Map(
    buildReport(templateSetFor(env, stacks))
      .requirements.flatMap((r) => r.checks)
      .map((c: CheckOutcome) => [c.check, c] as const),
  );

describe('readiness under the cost profiles (docs/COSTS.md)', () => {
  it('production runs the full profile: the template says it gives up nothing', () => {
    const meta = costProfileOf(templateSetFor('production', stacks));
    expect(meta).toEqual({ profile: 'full', omittedAlarms: [], waived: {} });
    const checks = checksOf('production');
    for (const id of ['waf-association', 'waf-rules', 'system-health', 'alarm-lambda-error-rate', 'canary'])
      expect(checks.get(id)).toMatchObject({ status: 'pass' });
  });

  it('R8.1 R8.2 C5 staging (lean): no web ACL and no composite are not applicable, naming the profile', () => {
    const checks = checksOf('staging');
    for (const id of ['waf-association', 'waf-rules', 'system-health'])
      expect(checks.get(id)).toMatchObject({
        status: 'not applicable',
        evidence: expect.stringContaining('staging runs the lean cost profile (docs/COSTS.md)'),
      });
    // The alarms the catalog keeps for `lean` are still checked, and pass.
    expect(checks.get('alarm-api-5xx')).toMatchObject({ status: 'pass' });
    expect(checks.get('alarm-lambda-consecutive-failures')).toMatchObject({ status: 'pass' });
    // Those it leaves out are not applicable, by the catalog's marking.
    expect(checks.get('alarm-lambda-error-rate')).toMatchObject({
      status: 'not applicable',
      evidence: 'the lean cost profile of staging keeps no lambda-error-rate alarm (docs/COSTS.md)',
    });
  });

  it('R11.1 dev (minimal): the hourly canary and the missing alarms are not applicable, with the reason', () => {
    const set = templateSetFor('dev', stacks);
    const meta = costProfileOf(set)!;
    expect(meta.profile).toBe('minimal');
    expect(meta.waived['R11.1']).toMatch(/^canary every 60 minutes: dev runs the minimal cost profile/);
    const checks = checksOf('dev');
    expect(checks.get('canary')).toMatchObject({ status: 'not applicable' });
    for (const id of ['alarm-api-5xx', 'alarm-dlq', 'alarm-dynamodb', 'alarm-throttles'])
      expect(checks.get(id)).toMatchObject({ status: 'not applicable' });
    // Every profile keeps the canary alarm (its period is the interval): it passes, never waived.
    expect(checks.get('canary-alarm')).toMatchObject({ status: 'pass' });
  });

  it('a waiver never hides a check that would pass, and only the named requirements are waived', () => {
    const staging = templateSetFor('staging', stacks);
    const meta = costProfileOf(staging)!;
    expect(Object.keys(meta.waived).sort()).toEqual(['C5', 'R11.1', 'R8.1', 'R8.2']);
    // The metadata sits on the environment's own stack.
    const own = stacks.find((s) => s.stackName === 'agenticai-staging')!;
    expect(own.template.Metadata?.[COST_PROFILE_METADATA]).toEqual(meta);
    // Checks outside what the profile gives up keep their verdicts (e.g. encryption, least privilege).
    const checks = checksOf('staging');
    expect(checks.get('encryption-at-rest')).toMatchObject({ status: 'pass' });
    expect(checks.get('least-privilege')).toMatchObject({ status: 'pass' });
  });
});
