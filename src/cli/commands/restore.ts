import { type Command, InvalidArgumentError } from 'commander';
import { resourceNames } from '../../naming.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput, type Output } from '../output.ts';
import { deployedEnv, withRecoveryClients } from './backup.ts';

function parseTime(value: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime()))
    throw new InvalidArgumentError('an ISO 8601 time, e.g. 2026-11-23T07:00:00Z');
  return at;
}

interface ObjectOptions {
  key: string;
  versionId?: string;
  before?: Date;
  bucket?: string;
  apply: boolean;
}

interface ProjectOptions {
  client: string;
  before: Date;
  fromTable: string;
  bucket?: string;
  apply: boolean;
}

interface TableOptions {
  toTime: Date;
  targetName?: string;
  apply: boolean;
}

/** Progress goes to stderr, so `--json` keeps stdout to one document. */
const progress = (line: string) => process.stderr.write(`${line}\n`);
const minutes = (seconds: number) =>
  seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;

/**
 * Runs `work` with an AbortSignal that Ctrl-C (SIGINT) aborts, instead of killing the process
 * mid-wait: the command can then say what goes on in AWS and how to pick it up again.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

function printTablePlan(
  out: Output,
  plan: import('../../composition/recovery.ts').TableRestorePlan,
  env: string,
) {
  const r = plan.reapply;
  const lines = [
    `${plan.action === 'resume' ? 'Resume' : 'Plan'}: restore ${plan.sourceTable} as it was at ${plan.restoreTime} into a new table ${plan.targetTable}.`,
    ...(plan.note ? [`Note: ${plan.note}.`] : []),
    `Restorable window: ${plan.window.earliest} .. ${plan.window.latest} (${plan.window.recoveryPeriodDays ?? '?'} days).`,
    `The restore copies the items and the indexes (${plan.indexes.join(', ') || 'none'}), with billing mode ${plan.billingMode} and ${plan.kmsKeyArn ? `the source's KMS key ${plan.kmsKeyArn}` : "DynamoDB's own encryption key"}.`,
    'Then re-applied (a restore does not copy them):',
    `  tags: ${r.tags.map((t) => `${t.Key}=${t.Value}`).join(', ') || 'none on the source'}`,
    `  TTL: ${r.ttlAttribute ? `on attribute ${r.ttlAttribute}` : 'off on the source'}`,
    `  point-in-time recovery: ${r.pitrRecoveryPeriodDays} days`,
    `  deletion protection: ${r.deletionProtection ? 'on' : 'off on the source'}`,
    ...(plan.byHand.length > 0 ? ['By hand afterwards:', ...plan.byHand.map((b) => `  ${b}`)] : []),
    `Alarms, dashboard and IAM follow when ${env} is switched to the new table (docs/RECOVERY.md).`,
    'Run again with --apply to do it (it takes minutes to hours).',
  ];
  out.print(lines.join('\n'), { ...plan, applied: false });
}

/** What to do once the new table is ready: switch the environment to it, and how to switch back. */
export function switchSteps(env: string, plan: { sourceTable: string; targetTable: string }): string[] {
  return [
    `Next, switch ${env} to it: in infra/environments.ts add \`dataTableName: '${plan.targetTable}'\` to ${env}'s settings, commit, and run \`npm run deploy -- --env ${env}\`.`,
    `The functions, their permissions, the alarms and the dashboard then use ${plan.targetTable}; ${plan.sourceTable} is kept as it is.`,
    `The way back: remove dataTableName and deploy again (writes made to ${plan.targetTable} meanwhile stay there only).`,
    `While switched, \`keys\`, \`clients\`, \`projects\` and \`dlq\` with --env still use ${resourceNames(env).dataTable} (docs/RECOVERY.md).`,
  ];
}

export function registerRestore(program: Command) {
  const restore = program
    .command('restore')
    .description("restore a deployed environment's data (see docs/RECOVERY.md)");

  restore
    .command('object')
    .description(
      'bring back an artifact: an older version (--version-id/--before) as a new current version, or undelete it; a plan unless --apply',
    )
    .requiredOption('--key <key>', 'the object key, e.g. projects/<client>/<project>/pm/requirements.md')
    // Not `--version`: that is the CLI's own version flag, wherever it appears.
    .option('--version-id <versionId>', 'restore this S3 version')
    .option('--before <time>', 'restore the newest version written before this ISO time', parseTime)
    .option('--bucket <name>', 'the artifact bucket (default: found in the environment stack)')
    .option('--apply', 'act (without it, print what would be done)', false)
    .action(async (opts: ObjectOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = deployedEnv(globals, 'restore object');
      if (opts.versionId && opts.before)
        throw new CliError('give --version-id or --before, not both', EXIT.usage);
      const result = await withRecoveryClients(globals, async ({ s3, cfn }) => {
        const { applyObjectRestore, findArtifactBucket, planObjectRestore } = await import(
          '../../composition/recovery.ts'
        );
        const bucket = opts.bucket ?? (await findArtifactBucket(cfn, env));
        const plan = await planObjectRestore(s3, bucket, opts.key, {
          version: opts.versionId,
          before: opts.before,
        });
        const applied = opts.apply && plan.action !== 'none';
        const newVersionId = applied ? await applyObjectRestore(s3, plan) : undefined;
        return { ...plan, applied, newVersionId: newVersionId ?? null };
      });
      const where = `s3://${result.bucket}/${result.key}`;
      createOutput(globals.json).print(
        result.action === 'none'
          ? `Nothing to do for ${where}: ${result.reason}.`
          : result.applied
            ? `Done: ${where}: ${result.reason}${result.newVersionId ? ` (new version ${result.newVersionId})` : ''}.`
            : `Plan for ${where}: ${result.reason} (version of ${result.lastModified}).\nRun again with --apply to do it.`,
        result,
      );
    });
  restore
    .command('table')
    .description(
      "restore the environment's data table to a point in time into a new table, re-applying TTL, PITR, tags and deletion protection; a plan unless --apply",
    )
    .requiredOption('--to-time <time>', 'the ISO time to restore, inside the restorable window', parseTime)
    .option('--target-name <name>', 'the new table (default: <data table>-restored-<to-time>)')
    .option('--apply', 'act (without it, print what would be done)', false)
    .action(async (opts: TableOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = deployedEnv(globals, 'restore table');
      const out = createOutput(globals.json);
      const recovery = await import('../../composition/recovery.ts');
      // Named after the requested time, not now: the plan and the --apply (and a resumed wait) agree.
      const target = opts.targetName ?? resourceNames(env).restoredDataTable(opts.toTime);
      await withRecoveryClients(globals, async ({ dynamo, cfn }) => {
        const clock = recovery.recoveryClock;
        const source = await recovery.findDataTable(cfn, env);
        if (source === target)
          throw new CliError(`--target-name is the table in use (${source})`, EXIT.usage);
        const plan = await recovery.planTableRestore(dynamo, {
          source,
          target,
          toTime: opts.toTime,
          now: clock.now(),
        });
        if (!opts.apply) return printTablePlan(out, plan, env);
        const again = `npx agenticai --env ${env} restore table --to-time ${opts.toTime.toISOString()} --target-name ${target} --apply`;
        if (plan.action === 'restore') {
          await recovery.startTableRestore(dynamo, plan);
          progress(`Restore of ${source} to ${plan.restoreTime} into ${target} started.`);
        } else progress(`${target} is already a restore of ${source}: waiting for it.`);
        progress('Ctrl-C stops waiting, not the restore; the same command picks it up again.');
        const table = await interruptible((signal) =>
          recovery.waitForTable(dynamo, target, {
            clock,
            signal,
            onProgress: (p) =>
              progress(
                `  ${target}: ${p.status}${p.pendingIndexes.length > 0 ? ` (indexes not ready: ${p.pendingIndexes.join(', ')})` : ''}, ${minutes(p.elapsedSeconds)} elapsed`,
              ),
          }),
        ).catch((error: Error) => {
          if (error.name === 'RestoreInterrupted')
            throw new CliError(
              `stopped waiting; the restore of ${target} goes on in AWS (it cannot be cancelled). To wait for it and re-apply its settings, run: ${again}`,
            );
          throw error;
        });
        const applied = await recovery.reapplySettings(dynamo, table, plan.reapply);
        const restoredTo = table.RestoreSummary?.RestoreDateTime?.toISOString() ?? plan.restoreTime;
        out.print(
          [
            `Restored ${source} as it was at ${restoredTo} into ${target} (ACTIVE, ${table.ItemCount ?? '?'} items as DynamoDB last counted).`,
            `Re-applied: ${applied.join('; ') || 'nothing (the source had none of it)'}.`,
            ...plan.byHand.map((b) => `By hand: ${b}.`),
            ...switchSteps(env, plan),
          ].join('\n'),
          { ...plan, applied: true, restoredTo, reapplied: applied, next: switchSteps(env, plan) },
        );
      });
    });
  restore
    .command('project')
    .description(
      "bring back one client's project and its artifacts as they were before a time: the item from a restored table (--from-table), the artifacts from the bucket's versions; a plan unless --apply",
    )
    .argument('<id>', 'the project id')
    .requiredOption('--client <clientId>', 'the client the project belongs to')
    .requiredOption(
      '--before <time>',
      'the ISO time the project is restored to (as it was before it)',
      parseTime,
    )
    .requiredOption(
      '--from-table <name>',
      'a table restored to a time before --before (`restore table --to-time … --apply`, or a drill kept with --keep)',
    )
    .option('--bucket <name>', 'the artifact bucket (default: found in the environment stack)')
    .option('--apply', 'act (without it, print what would be done)', false)
    .action(async (projectId: string, opts: ProjectOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = deployedEnv(globals, 'restore project');
      const result = await withRecoveryClients(globals, async ({ dynamo, s3, cfn }) => {
        const recovery = await import('../../composition/recovery.ts');
        const [bucket, targetTable] = await Promise.all([
          opts.bucket ?? recovery.findArtifactBucket(cfn, env),
          recovery.findDataTable(cfn, env),
        ]);
        const plan = await recovery.planProjectRestore(
          { dynamo, s3 },
          {
            clientId: opts.client,
            projectId,
            before: opts.before,
            fromTable: opts.fromTable,
            targetTable,
            bucket,
          },
        );
        const changes =
          plan.action !== 'none' ||
          plan.artifacts.some((a) => a.action === 'copy' || a.action === 'undelete');
        if (opts.apply && changes) await recovery.applyProjectRestore({ dynamo, s3 }, plan);
        return { plan, applied: opts.apply && changes };
      });
      const { plan, applied } = result;
      const state = (s: { status: string | null; version: number | null; updatedAt: string | null }) =>
        `${s.status ?? '?'}, version ${s.version ?? '?'}, updated ${s.updatedAt ?? '?'}`;
      const project =
        plan.action === 'none'
          ? `project ${projectId}: already as it was (${state(plan.restored)})`
          : plan.action === 'recreate'
            ? `project ${projectId}: recreate it as it was at ${plan.restorePoint} (${state(plan.restored)}); it is gone from ${plan.targetTable}`
            : `project ${projectId}: replace the current one (${state(plan.current!)}) with the one of ${plan.restorePoint} (${state(plan.restored)}), only if it is still version ${plan.current!.version}`;
      const lines = [
        `${applied ? 'Done' : 'Plan'} for client ${plan.clientId}, from ${plan.fromTable} (${plan.restorePoint}) into ${plan.targetTable}:`,
        `  ${project}`,
        ...(plan.artifacts.length === 0
          ? ['  no artifacts under its prefix']
          : plan.artifacts.map((a) => `  ${a.key}: ${a.action}: ${a.reason}`)),
        ...(applied ? [] : ['Run again with --apply to do it.']),
      ];
      const { item: _item, ...shown } = plan;
      createOutput(globals.json).print(lines.join('\n'), {
        ...shown,
        artifacts: plan.artifacts.map(({ plan: _p, ...a }) => a),
        applied,
      });
    });
}
