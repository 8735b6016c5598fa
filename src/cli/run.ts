import type { Command } from 'commander';
import type { GlobalOptions } from './globals.ts';
import { createOutput, type Output } from './output.ts';

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
