import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  /** The admin key printed on first start (undefined when the data dir already had keys). */
  bootstrapKey?: string;
  child: ChildProcess;
  /** Every stdout line so far, parsed when it is JSON. */
  lines: () => string[];
  logs: () => Record<string, unknown>[];
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'agenticai-e2e-'));
}

/** Starts the server exactly as `npm start` does, on a free port, and waits until it listens. */
export async function startServer(
  env: Record<string, string>,
  opts: { maxOpenFiles?: number } = {},
): Promise<ServerProcess> {
  const args = ['bin/agenticai-server.mjs'];
  // `ulimit -n` for the server alone, to run it out of file descriptors.
  const [command, argv] = opts.maxOpenFiles
    ? ['/bin/sh', ['-c', `ulimit -n ${opts.maxOpenFiles} && exec "$0" "$@"`, process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const lines = () => out.split('\n').filter(Boolean);
  const logs = () =>
    lines().flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  // 'close', not 'exit': it comes after the child's stdout and stderr are fully read.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setInterval(() => {
      const started = logs().find((l) => l.event === 'server_started');
      // The key goes to stderr just before this line goes to stdout; wait for both pipes.
      if (started && (!started.adminKeyCreated || /X-API-Key: agk_\S+\n/.test(err))) {
        clearInterval(timer);
        resolvePromise(String(started.url));
      }
    }, 50);
    exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code} before listening: ${err}`));
    });
  });
  return {
    url,
    bootstrapKey: /X-API-Key: (agk_\S+)/.exec(err)?.[1],
    child,
    lines,
    logs,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <args>` to its end and collects its output (after 'close': 'exit' can come first, with
 * output still in the pipes). `cwd` defaults to the repository root.
 */
export function runNode(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Runs the `agenticai` bin as a user would; an `undefined` value removes that variable. */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return runNode(['bin/agenticai.mjs', ...args], { env: merged as NodeJS.ProcessEnv });
}
