import { type CheckResult, notApplicable, type TemplateCheck } from './check.ts';
import { TEMPLATE_CHECKS } from './checks/index.ts';
import type { LiveCheck, LiveContext } from './live/context.ts';
import { cell } from './markdown.ts';
import { REQUIREMENT_GROUPS, type Requirement } from './requirements.ts';
import { costProfileOf, type TemplateSet } from './template-set.ts';
import type { TestEvidence, TestIndex } from './test-report.ts';

export type RequirementStatus = 'pass' | 'fail' | 'not applicable' | 'not built' | 'no evidence';

export interface CheckOutcome extends CheckResult {
  check: string;
  description: string;
}

export interface RequirementReport {
  id: string;
  title: string;
  status: RequirementStatus;
  checks: CheckOutcome[];
  /** Absent when no test report was given. */
  tests?: Omit<TestEvidence, 'failures'> & { failures: string[] };
  notBuilt?: string;
}

export interface ReadinessReport {
  env: string;
  requirements: RequirementReport[];
  summary: Record<RequirementStatus, number>;
  /** Tests of the report naming no requirement ID; absent without a test report. */
  unmappedTests?: number;
  ok: boolean;
}

export interface LiveOutcome extends CheckOutcome {
  requirements: readonly string[];
}

/** Runs the live checks one after another (a handful of read-only calls each); a throw is a failure. */
export async function runLiveChecks(
  ctx: LiveContext,
  checks: readonly LiveCheck[],
  only?: readonly string[],
): Promise<LiveOutcome[]> {
  const outcomes: LiveOutcome[] = [];
  for (const check of checks.filter((c) => !only || c.requirements.some((r) => only.includes(r)))) {
    let result: CheckResult;
    try {
      result = await check.run(ctx);
    } catch (error) {
      result = { status: 'fail', evidence: `check crashed: ${(error as Error).message}` };
    }
    outcomes.push({
      check: check.id,
      description: check.description,
      requirements: check.requirements,
      ...result,
    });
  }
  return outcomes;
}

/**
 * Why a failed check does not apply to this environment: its cost profile gives up every
 * requirement the check proves, or every catalog alarm it looks for (production gives up nothing).
 */
export function waiverOf(check: TemplateCheck, set: TemplateSet): string | undefined {
  const profile = costProfileOf(set);
  if (!profile) return undefined;
  const reasons = check.requirements.map((r) => profile.waived[r]);
  if (reasons.every((r) => r !== undefined)) return [...new Set(reasons)].join('; ');
  if (check.alarms?.length && check.alarms.every((a) => profile.omittedAlarms.includes(a)))
    return `the ${profile.profile} cost profile of ${set.env} keeps no ${check.alarms.join(', ')} alarm (docs/COSTS.md)`;
  return undefined;
}

/** A check that throws is a failed check that says why, never a crashed report. */
function runCheck(check: TemplateCheck, set: TemplateSet): CheckOutcome {
  try {
    const result = check.run(set);
    const waiver = result.status === 'fail' ? waiverOf(check, set) : undefined;
    if (waiver) return { check: check.id, description: check.description, ...notApplicable(waiver) };
    return { check: check.id, description: check.description, ...result };
  } catch (error) {
    return {
      check: check.id,
      description: check.description,
      status: 'fail',
      evidence: `check crashed: ${(error as Error).message}`,
    };
  }
}

export function statusOf(
  r: Pick<Requirement, 'notBuilt'>,
  checks: CheckOutcome[],
  tests?: TestEvidence,
): RequirementStatus {
  const checkPassed = checks.some((c) => c.status === 'pass');
  const testPassed = (tests?.passed ?? 0) > 0;
  if ((tests?.failed ?? 0) > 0) return 'fail';
  // Not built until a check finds the missing piece: its failing checks are the documented gap,
  // and passing tests naming it prove only the part already built. So CI's gate (fail only) never
  // trips on a gap that is written down.
  if (r.notBuilt && !checkPassed) return 'not built';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checkPassed || testPassed) return 'pass';
  if (checks.length > 0) return 'not applicable';
  return 'no evidence';
}

/**
 * The readiness of one environment: every requirement with the template checks that prove it and,
 * when a test report is given, the tests naming it. `ok` is false when a requirement fails (and,
 * with `strict`, when one is not built or has no evidence).
 */
export function buildReport(
  set: TemplateSet,
  opts: {
    tests?: TestIndex;
    strict?: boolean;
    only?: readonly string[];
    /** Outcomes of live checks (`--live`), joined to the requirements they name. */
    live?: readonly LiveOutcome[];
    checks?: readonly TemplateCheck[];
  } = {},
): ReadinessReport {
  const wanted = (id: string) => !opts.only || opts.only.includes(id);
  const checks = (opts.checks ?? TEMPLATE_CHECKS).filter((c) => c.requirements.some(wanted));
  const outcomes = new Map(checks.map((c) => [c.id, runCheck(c, set)]));
  const requirements = REQUIREMENT_GROUPS.flatMap((g) =>
    (g.requirements as readonly Requirement[])
      .filter((r) => wanted(r.id))
      .map((r): RequirementReport => {
        const mine = [
          ...checks
            .filter((c) => (c.requirements as readonly string[]).includes(r.id))
            .map((c) => outcomes.get(c.id)!),
          ...(opts.live ?? [])
            .filter((o) => o.requirements.includes(r.id))
            .map(({ requirements: _, ...o }) => o),
        ];
        const tests = opts.tests
          ? (opts.tests.byRequirement.get(r.id) ?? { passed: 0, failed: 0, skipped: 0, failures: [] })
          : undefined;
        return {
          id: r.id,
          title: r.title,
          status: statusOf(r, mine, tests),
          checks: mine,
          ...(tests && { tests }),
          ...(r.notBuilt && { notBuilt: r.notBuilt }),
        };
      }),
  );
  const summary: Record<RequirementStatus, number> = {
    pass: 0,
    fail: 0,
    'not applicable': 0,
    'not built': 0,
    'no evidence': 0,
  };
  for (const r of requirements) summary[r.status] += 1;
  const blocking: RequirementStatus[] = opts.strict ? ['fail', 'not built', 'no evidence'] : ['fail'];
  return {
    env: set.env,
    requirements,
    summary,
    ...(opts.tests && { unmappedTests: opts.tests.unmapped }),
    ok: requirements.every((r) => !blocking.includes(r.status)),
  };
}

const testsText = (t: NonNullable<RequirementReport['tests']>) =>
  t.passed + t.failed + t.skipped === 0
    ? 'no test names it'
    : [`${t.passed} passed`, t.failed && `${t.failed} failed`, t.skipped && `${t.skipped} skipped`]
        .filter(Boolean)
        .join(', ');

/** One line of evidence per requirement: the checks, then the tests, then what is not built. */
export function evidenceLines(r: RequirementReport): string[] {
  return [
    ...r.checks.map(
      (c) => `${c.check}: ${c.status === 'pass' ? '' : `${c.status.toUpperCase()}: `}${c.evidence}`,
    ),
    ...(r.tests ? [`tests: ${testsText(r.tests)}`, ...r.tests.failures.map((f) => `failed: ${f}`)] : []),
    ...(r.notBuilt ? [`not built: ${r.notBuilt}`] : []),
  ];
}

export function summaryLine(report: ReadinessReport): string {
  const s = report.summary;
  return `${report.env}: ${s.pass} pass, ${s.fail} fail, ${s['not applicable']} not applicable, ${s['not built']} not built, ${s['no evidence']} no evidence${report.unmappedTests !== undefined ? `; ${report.unmappedTests} tests name no requirement ID` : ''}`;
}

/** docs/READINESS.md and `--format md`: deterministic, no dates or paths. */
export function renderMarkdown(report: ReadinessReport): string {
  const lines = [
    `# Readiness: ${report.env}`,
    '',
    '<!-- Generated by `npm run docs` (agenticai readiness --format md, offline); do not edit. -->',
    '',
    `Every requirement of [REQUIREMENTS.md](REQUIREMENTS.md) with the automated evidence for the`,
    `\`${report.env}\` environment: checks on the synthesized CloudFormation templates (src/readiness/checks/).`,
    'Requirements proved by behaviour rather than by a resource show "no evidence" here; pass a test',
    'report (`npx vitest run --reporter=json --outputFile=report.json`, then',
    '`npx agenticai readiness --tests report.json`) to count the tests that name each ID.',
    '',
    "In CI (`.ci/run`, after `npm test`) this report with the run's tests is a gate: it fails only when",
    'a requirement fails (a template check, or a test naming it). "Not built" (a gap written down in',
    'REQUIREMENTS.md, whose checks are expected to fail) and "no evidence" are listed, never fatal; a',
    'test keeps every other template check passing on the production templates.',
    '',
    `**${summaryLine(report)}**`,
    '',
    '| ID | Requirement | Status | Evidence |',
    '|---|---|---|---|',
    ...report.requirements.map(
      (r) => `| ${r.id} | ${cell(r.title)} | ${r.status} | ${cell(evidenceLines(r).join('<br>')) || '—'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
