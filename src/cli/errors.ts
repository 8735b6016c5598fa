/** Exit codes every command keeps: scripts can tell a usage mistake from a failed operation. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}
