import { Command, Option } from 'commander';
import { VERSION } from '../version.ts';
import { registerAlarms } from './commands/alarms.ts';
import { registerBackup } from './commands/backup.ts';
import { registerCanary } from './commands/canary.ts';
import { registerCost } from './commands/cost.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerDrill } from './commands/drill.ts';
import { registerClients, registerKeys } from './commands/keys.ts';
import { registerDlq, registerProjects } from './commands/pipeline.ts';
import { registerReadiness } from './commands/readiness.ts';
import { registerRestore } from './commands/restore.ts';
import { registerRollback } from './commands/rollback.ts';
import { registerStatus } from './commands/status.ts';
import { EXIT, reportFailure } from './errors.ts';

export function createProgram(): Command {
  const program = new Command('agenticai')
    .description('Administer AgenticAI: the local instance by default, AWS with --env/--region/--profile.')
    .version(VERSION, '-V, --version')
    .option('--json', 'print exactly one JSON document on stdout', false)
    .addOption(
      new Option('--env <env>', 'act on a deployed environment instead of the local instance').choices([
        'local',
        'dev',
        'staging',
        'production',
      ]),
    )
    .option('--region <region>', 'AWS region (default: the AWS SDK configuration)')
    .option('--profile <profile>', 'AWS shared-config profile')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerStatus(program);
  registerKeys(program);
  registerClients(program);
  registerProjects(program);
  registerDlq(program);
  registerAlarms(program);
  registerCost(program);
  registerReadiness(program);
  registerDoctor(program);
  registerBackup(program);
  registerRestore(program);
  registerDrill(program);
  registerCanary(program);
  registerRollback(program);
  return program;
}

/**
 * Runs the CLI and returns its exit code (see EXIT): commands report failure by throwing, and
 * `reportFailure` is the one place that turns an error into a message and a code.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportFailure(error);
  }
}
