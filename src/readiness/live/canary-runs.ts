import { type CanaryRun, GetCanaryCommand, GetCanaryRunsCommand } from '@aws-sdk/client-synthetics';
import { resourceNames } from '../../naming.ts';
import { type CheckResult, fail, pass } from '../check.ts';
import { ownStacks, resourcesOf } from '../template-set.ts';
import { awsProblem, type LiveCheck, type LiveContext } from './context.ts';

/** A last run older than this many schedule intervals means the canary stopped running. */
export const CANARY_STALE_INTERVALS = 3;
/** Runs read per canary: the newest, plus a few in case the newest are still running. */
const RUNS_READ = 5;

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The interval of a Synthetics `rate(…)` schedule in ms; undefined for cron, or `rate(0 minute)` (run once). */
export function scheduleIntervalMs(expression: string | undefined): number | undefined {
  const m = expression?.match(/^rate\((\d+) (minute|hour|day)s?\)$/);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 ? ms : undefined;
}

/**
 * The environment's canaries and the regions they run in: those the templates declare (one per
 * region of `canaryRegions` when the app deploys several), else the named one in the main region.
 */
export function canaryTargets(ctx: LiveContext): { name: string; region: string }[] {
  const own = new Set(ownStacks(ctx.set).map((s) => s.stackName));
  const main = resourceNames(ctx.set.env).canary;
  const declared = resourcesOf(ctx.set, 'AWS::Synthetics::Canary')
    .filter((c) => own.has(c.stack) || c.props.Name === main)
    .map((c) => ({
      name: typeof c.props.Name === 'string' ? c.props.Name : main,
      region: ctx.regionOf(c.stack),
    }));
  const unique = declared.filter(
    (t, i) => declared.findIndex((u) => u.name === t.name && u.region === t.region) === i,
  );
  return unique.length > 0 ? unique : [{ name: main, region: ctx.region }];
}

const finished = (run: CanaryRun) => run.Status?.State === 'PASSED' || run.Status?.State === 'FAILED';
const when = (run: CanaryRun) => run.Timeline?.Completed ?? run.Timeline?.Started;

async function checkCanary(ctx: LiveContext, name: string, region: string): Promise<CheckResult> {
  const where = `${name} (${region})`;
  const synthetics = ctx.synthetics(region);
  try {
    const { Canary } = await synthetics.send(new GetCanaryCommand({ Name: name }));
    const expression = Canary?.Schedule?.Expression;
    const interval = scheduleIntervalMs(expression);
    if (Canary?.Status?.State !== 'RUNNING')
      return fail(`${where}: canary is ${Canary?.Status?.State ?? 'in an unknown state'}, not RUNNING`);
    if (!interval) return fail(`${where}: schedule ${expression ?? 'unknown'} is not a recurring rate`);
    const { CanaryRuns = [] } = await synthetics.send(
      new GetCanaryRunsCommand({ Name: name, MaxResults: RUNS_READ }),
    );
    const last = CanaryRuns.filter(finished).sort(
      (a, b) => (when(b)?.getTime() ?? 0) - (when(a)?.getTime() ?? 0),
    )[0];
    if (!last) return fail(`${where}: has never completed a run`);
    const at = when(last);
    if (last.Status?.State === 'FAILED')
      return fail(
        `${where}: last run FAILED at ${at?.toISOString() ?? '?'}: ${last.Status.StateReason ?? ''}`.trim(),
      );
    const ageMs = ctx.now().getTime() - (at?.getTime() ?? 0);
    if (!at || ageMs > CANARY_STALE_INTERVALS * interval)
      return fail(
        `${where}: last run ${at?.toISOString() ?? '?'} is older than ${CANARY_STALE_INTERVALS} × ${expression}`,
      );
    return pass(`${where}: last run PASSED at ${at.toISOString()}, ${expression}`);
  } catch (error) {
    return fail(awsProblem(where, error));
  }
}

export const liveCanaryRuns: LiveCheck = {
  id: 'live:canary-runs',
  requirements: ['R11.1', 'R11.3'],
  description: `every canary of the environment is running, and its last run PASSED within ${CANARY_STALE_INTERVALS} intervals`,
  async run(ctx) {
    const results = [];
    for (const { name, region } of canaryTargets(ctx)) results.push(await checkCanary(ctx, name, region));
    const failed = results.filter((r) => r.status === 'fail');
    return failed.length > 0
      ? fail(failed.map((r) => r.evidence).join('; '))
      : pass(results.map((r) => r.evidence).join('; '));
  },
};
