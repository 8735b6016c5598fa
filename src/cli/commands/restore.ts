import { type Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput } from '../output.ts';
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
}
