import { Command, CommanderError, Option } from 'commander';
import { StoreBusyError } from '../adapters/local/embedded-dynamo.ts';
import { AdminError } from '../app/key-admin.ts';
import { ConfigError } from '../config.ts';
import { VERSION } from '../version.ts';
import { registerAlarms } from './commands/alarms.ts';
import { registerCost } from './commands/cost.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerClients, registerKeys } from './commands/keys.ts';
import { registerDlq, registerProjects } from './commands/pipeline.ts';
import { registerStatus } from './commands/status.ts';
import { CliError, EXIT } from './errors.ts';

export interface GlobalOptions {
  json: boolean;
  /** A deployed environment (dev, staging, production); absent means the local instance. */
  env?: string;
  region?: string;
  profile?: string;
}

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
  registerDoctor(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 the operation failed, 2 bad usage. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other parse problem is a usage error.
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`agenticai: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof AdminError) {
      process.stderr.write(`agenticai: ${error.message}\n`);
      return error.kind === 'invalid' ? EXIT.usage : EXIT.failure;
    }
    if (error instanceof ConfigError || error instanceof StoreBusyError) {
      process.stderr.write(`agenticai: ${error.message}\n`);
      return EXIT.failure;
    }
    const awsHint = awsSetupProblem(error);
    if (awsHint) {
      process.stderr.write(`agenticai: ${awsHint}\n`);
      return EXIT.failure;
    }
    process.stderr.write(
      `agenticai: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.failure;
  }
}

/** AWS SDK failures that mean "this machine is not set up for AWS", phrased as what to do. */
function awsSetupProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError' || /credential/i.test(error.message)) {
    return `no AWS credentials found (${error.message}); configure them (aws configure, AWS_PROFILE or --profile)`;
  }
  if (/region is missing/i.test(error.message)) {
    return 'no AWS region configured; pass --region or set AWS_REGION';
  }
  if (error.name === 'ResourceNotFoundException') {
    return `the environment's resources were not found (${error.message}); is it deployed in this account and region?`;
  }
  if (
    ['UnrecognizedClientException', 'AccessDeniedException', 'ExpiredTokenException'].includes(error.name)
  ) {
    return `AWS refused the request (${error.name}): ${error.message}`;
  }
  return undefined;
}
