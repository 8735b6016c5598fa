import type { Command } from 'commander';
import { createOutput, type Output } from './output.ts';
import type { GlobalOptions } from './program.ts';

/** AWS SDK client options from `--region` and `--profile` (the SDK's defaults otherwise). */
export function awsClientConfig(globals: GlobalOptions): { region?: string; profile?: string } {
  return {
    ...(globals.region && { region: globals.region }),
    ...(globals.profile && { profile: globals.profile }),
  };
}

/**
 * A commander action that opens a target (local store or AWS), runs, and always closes it.
 * Commander passes the arguments, then the options, then the command itself.
 */
export function actionWith<Target extends { close(): Promise<void> }, Args extends unknown[]>(
  open: (globals: GlobalOptions) => Promise<Target>,
  action: (target: Target, out: Output, ...args: Args) => Promise<void>,
) {
  return async (...args: unknown[]) => {
    const cmd = args.at(-1) as Command;
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    const target = await open(globals);
    try {
      await action(target, createOutput(globals.json), ...(args.slice(0, -1) as Args));
    } finally {
      await target.close();
    }
  };
}
