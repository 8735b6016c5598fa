import type { Command } from 'commander';
import type { FunctionPlan, RollbackOutcome, RollbackPlan } from '../../composition/rollback.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput, table } from '../output.ts';
import { runCanaryCommand } from './canary.ts';

interface RollbackOptions {
  to?: string;
  dryRun: boolean;
  canary: boolean;
}

/** The IAM actions the command calls, named when AWS refuses one (docs/DEPLOYMENT.md lists them too). */
export const ROLLBACK_PERMISSIONS =
  'cloudformation:ListStackResources, codedeploy:ListDeploymentGroups, codedeploy:ListDeployments, lambda:GetAlias, lambda:ListVersionsByFunction, lambda:UpdateAlias (and for the canary cloudformation:DescribeStacks, secretsmanager:GetSecretValue)';

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** `7`, or `7 (+8 at 10 %)` while a CodeDeploy canary routes part of the traffic elsewhere. */
function serving(fn: FunctionPlan): string {
  const extra = Object.entries(fn.weights).map(([v, w]) => `+${v} at ${Math.round(w * 1000) / 10} %`);
  return extra.length ? `${fn.from} (${extra.join(', ')})` : fn.from;
}

function planTable(plan: RollbackPlan): string {
  return table(
    ['function', 'name', 'live now', 'after'],
    plan.functions.map((fn) => [fn.label, fn.functionName, serving(fn), fn.unchanged ? 'unchanged' : fn.to]),
  );
}

const planJson = (plan: RollbackPlan) => ({
  env: plan.env,
  stack: plan.stack,
  functions: plan.functions.map(({ revisionId: _revision, ...fn }) => fn),
});

/** The command that finishes a partial rollback: the functions that did not move, to their planned versions. */
function finishCommand(env: string, outcome: RollbackOutcome): string {
  const pairs = outcome.failed.map((f) => `${f.plan.label}=${f.plan.to}`).join(',');
  return `agenticai --env ${env} rollback --to ${pairs}`;
}

export function registerRollback(program: Command) {
  program
    .command('rollback')
    .description(
      "R12.5: move every function's live alias of --env back to its previous published version (or --to) in one step, verify, run the canary",
    )
    .option(
      '--to <version>',
      'a published version for every function (12), or per function (api=12,worker=9; the others stay)',
    )
    .option('--dry-run', 'print the plan and change nothing', false)
    .option('--no-canary', 'skip the canary after the aliases moved')
    .action(async (opts: RollbackOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = globals.env;
      if (!env || env === 'local')
        throw new CliError(
          'rollback acts on a deployed environment: pass --env dev|staging|production',
          EXIT.usage,
        );
      const out = createOutput(globals.json);
      const { applyRollback, parseRollbackTarget, planRollback, RollbackError, withRollbackClients } =
        await import('../../composition/rollback.ts');
      const rollbackErrors = (error: unknown): never => {
        if (error instanceof RollbackError)
          throw new CliError(error.message, error.kind === 'invalid' ? EXIT.usage : EXIT.failure);
        if (error instanceof Error && error.name === 'AccessDeniedException')
          throw new CliError(`AWS refused: ${error.message} (the command needs ${ROLLBACK_PERMISSIONS})`);
        throw error;
      };
      const started = performance.now();
      const target = (() => {
        try {
          return parseRollbackTarget(opts.to);
        } catch (error) {
          return rollbackErrors(error);
        }
      })();

      const { plan, outcome } = await withRollbackClients(globals, async (clients) => {
        const plan = await planRollback(clients, env, target).catch(rollbackErrors);
        if (opts.dryRun) return { plan, outcome: undefined };
        return { plan, outcome: await applyRollback(clients.lambda, plan) };
      }).catch(rollbackErrors);

      if (!outcome) {
        out.print(
          `Rollback plan for ${env} (stack ${plan.stack}); dry run, nothing changed:\n${planTable(plan)}`,
          { dryRun: true, ...planJson(plan) },
        );
        return;
      }
      const flipMs = performance.now() - started;
      const summary = {
        dryRun: false,
        ...planJson(plan),
        moved: outcome.moved.map((f) => f.label),
        unchanged: outcome.unchanged.map((f) => f.label),
        failed: outcome.failed.map((f) => ({ function: f.plan.label, reason: f.reason })),
        flipSeconds: seconds(flipMs),
      };
      const moved = outcome.moved.map((f) => `${f.label} ${serving(f)} → ${f.to}`);
      if (outcome.failed.length > 0) {
        out.print(
          [
            `Rollback of ${env} INCOMPLETE after ${seconds(flipMs)} s:\n${planTable(plan)}`,
            `Moved: ${moved.join('; ') || 'none'}`,
            ...outcome.failed.map((f) => `NOT moved: ${f.plan.label} (${f.plan.functionName}): ${f.reason}`),
          ].join('\n'),
          { ...summary, ok: false },
        );
        throw new CliError(
          `rollback of ${env} is incomplete: ${outcome.failed.map((f) => f.plan.label).join(', ')} did not move (the moved functions stay moved); finish with: ${finishCommand(env, outcome)}`,
        );
      }
      const lines = [
        `Rolled back ${env} in ${seconds(flipMs)} s (every live alias moved and read back):\n${planTable(plan)}`,
      ];
      if (outcome.moved.length === 0)
        lines[0] = `Nothing to roll back in ${env}: every live alias already serves its target.\n${planTable(plan)}`;
      if (!opts.canary || outcome.moved.length === 0) {
        out.print(lines.join('\n'), { ...summary, ok: true, canary: null });
        return;
      }
      const [{ describeCanary }, canary] = await Promise.all([
        import('../../canary/health-check.ts'),
        runCanaryCommand(globals, {}),
      ]);
      const totalMs = performance.now() - started;
      lines.push(describeCanary(canary), `Total with the canary: ${seconds(totalMs)} s.`);
      out.print(lines.join('\n'), { ...summary, ok: canary.ok, canary, totalSeconds: seconds(totalMs) });
      if (!canary.ok)
        throw new CliError(
          `the aliases of ${env} moved, but the canary failed at step ${canary.failed?.step}: ${canary.failed?.reason}`,
        );
    });
}
