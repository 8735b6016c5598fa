#!/usr/bin/env node
/**
 * CI's canary step (R11.3, .github/workflows/ci.yml): the health-check canary against local mode,
 * exactly as a user runs it. Starts `npm start` on a free port with a temporary data directory,
 * waits for /health, creates a canary key with the CLI, runs
 * `agenticai canary run --endpoint … --key … --json`, stops the server and removes the directory.
 * Exit code: the canary's (0 passed, 1 failed), or 1 when the server never came up.
 * test/e2e/ci-canary.test.ts runs this same script.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
/** How long the server may take to answer /health before the step gives up (a cold CI runner). */
const STARTUP_LIMIT_MS = 120_000;

/** Runs `node bin/agenticai.mjs …` and collects its output. */
function cli(args, env) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/agenticai.mjs'), ...args], {
      cwd: ROOT,
      env,
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
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `npm start` in its own process group, so stopping it stops the server npm started. */
function startServer(env) {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const closed = new Promise((done) => child.once('close', (code) => done(code)));
  return {
    child,
    output: () => ({ out, err }),
    closed,
    /** The URL the server logged on start (`server_started`), once it has. */
    url() {
      for (const line of out.split('\n')) {
        try {
          const entry = JSON.parse(line);
          if (entry.event === 'server_started' && typeof entry.url === 'string') return entry.url;
        } catch {}
      }
      return undefined;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {}
      }
      return closed;
    },
  };
}

/** Waits until the server answers GET /health (any HTTP answer below 500: it is up and routing). */
async function waitForHealth(server, log) {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  let exited = false;
  server.closed.then(() => {
    exited = true;
  });
  while (Date.now() < deadline && !exited) {
    const url = server.url();
    if (url) {
      try {
        const res = await fetch(`${url}/health`);
        await res.arrayBuffer();
        if (res.status < 500) return url;
        log(`ci-canary: /health answered ${res.status}, waiting`);
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const { err } = server.output();
  throw new Error(
    exited
      ? `the server exited before answering /health: ${err.trim()}`
      : `the server did not answer /health within ${STARTUP_LIMIT_MS / 1000} s`,
  );
}

/**
 * The whole step. Returns the canary's result (parsed `--json` output) and the exit code to use.
 * `log` receives progress lines (stderr in CI); the canary's JSON goes to `print`.
 */
export async function runCiCanary({
  log = (l) => process.stderr.write(`${l}\n`),
  print = (t) => process.stdout.write(t),
} = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'agenticai-ci-canary-'));
  const env = { ...process.env, AGENTICAI_DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'production' };
  delete env.AGENTICAI_CANARY_KEY;
  const server = startServer(env);
  try {
    const url = await waitForHealth(server, log);
    log(`ci-canary: local server up at ${url}, data directory ${dataDir}`);
    const created = await cli(['keys', 'create', '--name', 'ci-canary', '--canary', '--json'], env);
    if (created.code !== 0) throw new Error(`keys create --canary failed: ${created.stderr.trim()}`);
    const { key } = JSON.parse(created.stdout);
    const run = await cli(['canary', 'run', '--endpoint', url, '--key', key, '--json'], env);
    print(run.stdout);
    if (run.stderr) log(run.stderr.trimEnd());
    let result;
    try {
      result = JSON.parse(run.stdout);
    } catch {
      throw new Error(`canary run printed no JSON result (exit ${run.code}): ${run.stderr.trim()}`);
    }
    log(`ci-canary: canary ${result.ok ? 'passed' : `failed at ${result.failed?.step}`}`);
    return { code: run.code ?? 1, result };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCiCanary().then(
    ({ code }) => process.exit(code),
    (error) => {
      process.stderr.write(`ci-canary: ${error.message}\n`);
      process.exit(1);
    },
  );
}
