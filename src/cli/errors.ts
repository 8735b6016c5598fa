import { CommanderError } from 'commander';

/**
 * Exit codes every command keeps, so scripts can tell a usage mistake from a failed operation and
 * from a check that found a problem. README's CLI section lists them; test/e2e/exit-codes.test.ts
 * proves each through the real binary.
 */
export const EXIT = {
  ok: 0,
  /** The operation failed: unknown key, project not found, AWS refused, an alert never arrived. */
  failure: 1,
  /** Bad usage: unknown option, invalid value, a combination the command refuses. */
  usage: 2,
  /** A check ran and found a problem (`cost report --check` over budget). */
  checkFailed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * How a command reports failure: it throws this with the exit code, and the CLI's one error
 * mapping (`describeFailure`) prints the message and exits with it. Commands never set
 * `process.exitCode` themselves.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
  ) {
    super(message);
  }
}

export interface Failure {
  exitCode: ExitCode;
  /** One line for stderr, without a stack trace; undefined when there is nothing to add. */
  message?: string;
}

/**
 * The one place that turns an error into an exit code and a message, for the CLI and for the
 * server's start-up. Errors of other layers are recognised by name, so loading this module (and
 * `agenticai --help`) pulls in neither the store nor the AWS SDK.
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (!(error instanceof Error))
    return { exitCode: EXIT.failure, message: `unexpected error: ${String(error)}` };
  // Commander's own errors, already printed by commander: help and version are not failures,
  // every other parse problem is bad usage.
  if (error instanceof CommanderError) {
    const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    return { exitCode: helpOrVersion.includes(error.code) ? EXIT.ok : EXIT.usage };
  }
  if (error.name === 'AdminError') {
    const invalid = (error as { kind?: string }).kind === 'invalid';
    return { exitCode: invalid ? EXIT.usage : EXIT.failure, message: error.message };
  }
  if (error.name === 'ConfigError' || error.name === 'StoreBusyError') {
    return { exitCode: EXIT.failure, message: error.message };
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return {
      exitCode: EXIT.failure,
      message: `port already in use (${error.message}); set PORT to another port`,
    };
  }
  const awsHint = awsSetupProblem(error);
  if (awsHint) return { exitCode: EXIT.failure, message: awsHint };
  return { exitCode: EXIT.failure, message: `unexpected error: ${error.message}` };
}

/** AWS SDK failures that mean "this machine is not set up for AWS", phrased as what to do. */
function awsSetupProblem(error: Error): string | undefined {
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

/** Prints a failure's message the way every entry point does: one line, prefixed, on stderr. */
export function reportFailure(error: unknown): ExitCode {
  const { exitCode, message } = describeFailure(error);
  if (message) process.stderr.write(`agenticai: ${message}\n`);
  return exitCode;
}
