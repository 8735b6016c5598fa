import type { Command } from 'commander';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput } from '../output.ts';
import { deployedEnv, withRecoveryClients } from './backup.ts';
import { interruptible } from './restore.ts';

interface DrillOptions {
  keep: boolean;
  allowProduction: boolean;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

export function registerDrill(program: Command) {
  const drill = program.command('drill').description('recovery drills against a deployed environment');
  drill
    .command('restore')
    .description(
      'restore the data table into a scratch table, compare counts and a sample, measure RTO and RPO, record the result, delete the scratch table; exit 3 when it fails',
    )
    .option('--keep', 'keep the scratch table (delete it yourself)', false)
    .option('--allow-production', 'allow a drill against production (it reads the whole table)', false)
    .action(async (opts: DrillOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = deployedEnv(globals, 'drill restore');
      if (env === 'production' && !opts.allowProduction)
        throw new CliError(
          'a drill scans the whole data table and restores a copy of it; run it on staging, or pass --allow-production',
          EXIT.usage,
        );
      const outcome = await withRecoveryClients(globals, async ({ dynamo, cfn, ssm }) => {
        const recovery = await import('../../composition/recovery.ts');
        const { resourceNames } = await import('../../naming.ts');
        const clock = recovery.recoveryClock;
        const source = await recovery.findDataTable(cfn, env);
        const scratch = resourceNames(env).drillTable(clock.now());
        progress(`Drill: ${source} → scratch table ${scratch} (Ctrl-C stops it and cleans up what it can).`);
        const result = await interruptible((signal) =>
          recovery.runRestoreDrill(dynamo, {
            source,
            scratch,
            keep: opts.keep,
            clock,
            signal,
            onProgress: progress,
          }),
        );
        try {
          await recovery.recordDrill(ssm, env, result.record);
        } catch (error) {
          throw new CliError(
            `the drill ${result.record.result === 'pass' ? 'passed' : 'failed'} but its record could not be stored in ${resourceNames(env).restoreDrillParameter} (${(error as Error).name}: ${(error as Error).message}); record: ${JSON.stringify(result.record)}`,
          );
        }
        return result;
      });
      const r = outcome.record;
      const cleanup =
        outcome.cleanup === 'kept'
          ? `Scratch table ${outcome.scratchTable} kept (--keep): delete it when done.`
          : outcome.cleanup === 'deleted'
            ? `Scratch table ${outcome.scratchTable} deleted.`
            : outcome.cleanup === 'not created'
              ? 'No scratch table was created.'
              : `Deleting the scratch table ${outcome.scratchTable} FAILED (${outcome.cleanup.slice('failed: '.length)}): delete it by hand.`;
      createOutput(globals.json).print(
        [
          `Restore drill ${r.result.toUpperCase()}${r.reason ? `: ${r.reason}` : ''}.`,
          `Source ${r.sourceTable}, restored to ${r.restoredToTime}: ${r.itemsRestored} of ${r.itemsSource} items; ${r.sampleSize - r.sampleMismatches} of ${r.sampleSize} sampled items identical.`,
          ...outcome.mismatches.map(
            (mm) => `  differs: ${JSON.stringify(mm.key)}: ${mm.attributes.join(', ')}`,
          ),
          `RTO ${r.rtoSeconds} s (restore requested → verified), RPO ${r.rpoSeconds} s (restored point behind the request).`,
          cleanup,
          'Recorded for `agenticai backup status` and readiness.',
        ].join('\n'),
        {
          ...r,
          scratchTable: outcome.scratchTable,
          cleanup: outcome.cleanup,
          mismatches: outcome.mismatches,
        },
      );
      if (outcome.cleanup.startsWith('failed'))
        throw new CliError(
          `delete the scratch table ${outcome.scratchTable} by hand`,
          r.result === 'pass' ? EXIT.failure : EXIT.checkFailed,
        );
      if (r.result === 'fail') throw new CliError(`restore drill failed: ${r.reason}`, EXIT.checkFailed);
    });
}
