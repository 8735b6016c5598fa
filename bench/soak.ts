/**
 * `npm run bench:soak -- --minutes N [--idle-minutes M] [--sample-seconds S] [--rate R]`
 *
 * Runs local mode as `npm start` does (the real server process, loopback, a temp data dir) under
 * mixed load for N minutes, then idle for M minutes (default N), and prints the server's heap after
 * a full GC and its RSS every S seconds (default 30), with a summary per phase. Asserts nothing.
 *
 * Load (bounded in count and time, loopback only): project creates, walks through every page of a
 * client with many projects, artifact listings and reads, and 401 / 403 / 429 requests, at about
 * R requests per second (default 40).
 *
 * The server is started with --expose-gc and AGENTICAI_COUNT_STORE_CALLS; on SIGUSR2 it runs a GC
 * and logs its memory (`event: "memory"`) and store commands (`event: "store_calls"`). Signals reach
 * it only from this user: nothing here is exposed to HTTP clients.
 */
import '../src/local-env.ts';
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { localKeyAdmin, openLocalStores } from '../src/composition/local.ts';
import { loadConfig } from '../src/config.ts';
import { ROOT, tempDataDir } from '../test/support/server-process.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    'idle-minutes': { type: 'string' },
    'sample-seconds': { type: 'string', default: '30' },
    rate: { type: 'string', default: '40' },
  },
});
const loadMinutes = Number(args.minutes);
const idleMinutes = Number(args['idle-minutes'] ?? args.minutes);
const sampleMs = Number(args['sample-seconds']) * 1000;
const rate = Number(args.rate);
for (const [name, value] of Object.entries({ loadMinutes, idleMinutes, sampleMs, rate })) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`bench:soak: ${name} must be a number ≥ 0`);
}

/** The client whose projects are listed page by page. */
const LISTED_PROJECTS = 100;
const PAGE_SIZE = 20;
/** Creates are a small share of the load: each one runs a four-stage pipeline. */
const CREATES_PER_SECOND = 1;

interface Sample {
  phase: 'load' | 'idle';
  elapsedS: number;
  heapMb: number;
  rssMb: number;
  requests: number;
  queriesPerS: number;
}

interface Server {
  url: string;
  adminKey: string;
  child: ChildProcess;
  nextReport(): Promise<{ memory: Record<string, number>; storeCalls: Record<string, number> }>;
  stop(): Promise<void>;
}

/** Starts src/entry/server.ts as `npm start` does; keeps only the lines it needs (not the access log). */
async function startSoakServer(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'src/entry/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      AGENTICAI_DATA_DIR: dataDir,
      AGENTICAI_COUNT_STORE_CALLS: 'true',
      RATE_LIMIT_DEFAULT_HOURLY: '10000000',
      RUNNING_PROJECTS: '10000',
      PROJECTS_PER_DAY: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const reports: Record<string, unknown>[] = [];
  let waiting: (() => void) | undefined;
  let partial = '';
  let started: ((url: string) => void) | undefined;
  child.stdout!.on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"event":"memory"') && !line.includes('"event":"store_calls"')) {
        if (line.includes('"event":"server_started"')) started?.(String(JSON.parse(line).url));
        continue;
      }
      reports.push(JSON.parse(line) as Record<string, unknown>);
      waiting?.();
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    started = resolve;
    exited.then(() => reject(new Error(`server exited before listening: ${stderr}`)));
  });
  const adminKey = /X-API-Key: (agk_\S+)/.exec(stderr)?.[1];
  if (!adminKey) throw new Error('the server printed no admin key');
  return {
    url,
    adminKey,
    child,
    async nextReport() {
      reports.length = 0;
      child.kill('SIGUSR2');
      while (!reports.some((r) => r.event === 'memory') || !reports.some((r) => r.event === 'store_calls')) {
        await Promise.race([
          new Promise<void>((r) => {
            waiting = r;
          }),
          exited.then(() => {
            throw new Error(`server exited: ${stderr}`);
          }),
        ]);
      }
      const memory = reports.find((r) => r.event === 'memory') as Record<string, number>;
      const calls = reports.find((r) => r.event === 'store_calls') as { byCommand: Record<string, number> };
      return { memory, storeCalls: calls.byCommand };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Keys for the load: created in the running server's store, as `agenticai keys create` does. */
async function createKeys(dataDir: string) {
  const config = loadConfig({ AGENTICAI_DATA_DIR: dataDir });
  const stores = await openLocalStores(config, { shared: true });
  try {
    const admin = localKeyAdmin(config, stores.db, 'bench');
    const lister = await admin.createKey({ name: 'soak-lister', hourlyLimit: 10_000_000 });
    const creator = await admin.createKey({ name: 'soak-creator', hourlyLimit: 10_000_000 });
    // One request per hour: everything after the first gets 429.
    const limited = await admin.createKey({ name: 'soak-limited', hourlyLimit: 1 });
    const revoked = await admin.createKey({ name: 'soak-revoked' });
    await admin.revokeKey(revoked.keyId);
    return { lister: lister.key, creator: creator.key, limited: limited.key, revoked: revoked.key };
  } finally {
    await stores.close();
  }
}

const project = (i: number) => ({
  name: `Soak project ${i}`,
  type: 'api',
  description: `A REST API for soak test item number ${i}`,
});

async function call(url: string, key: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (key) headers.set('x-api-key', key);
  const res = await fetch(url, { ...init, headers });
  const body = await res.arrayBuffer();
  return { status: res.status, body };
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function main() {
  const dataDir = await tempDataDir();
  const server = await startSoakServer(dataDir);
  const statuses = new Map<number, number>();
  let requests = 0;
  const count = (status: number) => {
    requests++;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };
  try {
    const keys = await createKeys(dataDir);
    const base = server.url;

    // The many-page client and a project whose artifacts are read.
    const listedIds: string[] = [];
    for (let i = 0; i < LISTED_PROJECTS; i++) {
      const res = await fetch(`${base}/api/projects`, {
        ...post(project(i)),
        headers: { 'content-type': 'application/json', 'x-api-key': keys.lister },
      });
      listedIds.push(String(((await res.json()) as { id: string }).id));
    }
    const artifactProject = listedIds[0]!;
    let artifactNames: string[] = [];
    for (let i = 0; i < 600 && artifactNames.length === 0; i++) {
      const res = await call(`${base}/api/projects/${artifactProject}`, keys.lister);
      const p = JSON.parse(Buffer.from(res.body).toString()) as { status: string };
      if (p.status === 'completed') {
        const list = await call(`${base}/api/projects/${artifactProject}/artifacts`, keys.lister);
        artifactNames = (
          JSON.parse(Buffer.from(list.body).toString()) as { items: { name: string }[] }
        ).items.map((a) => a.name);
      } else await sleep(100);
    }
    if (artifactNames.length === 0) throw new Error('the first project never completed');

    // One "round" of the mix; `rate` bounds requests per second over all of them.
    let created = 0;
    const listAllPages = async () => {
      let cursor: string | undefined;
      do {
        const q = cursor ? `?limit=${PAGE_SIZE}&cursor=${cursor}` : `?limit=${PAGE_SIZE}`;
        const res = await call(`${base}/api/projects${q}`, keys.lister);
        count(res.status);
        cursor = (JSON.parse(Buffer.from(res.body).toString()) as { nextCursor?: string }).nextCursor;
      } while (cursor);
    };
    const mix: (() => Promise<void>)[] = [
      listAllPages,
      async () =>
        count((await call(`${base}/api/projects/${artifactProject}/artifacts`, keys.lister)).status),
      async () => {
        const name = artifactNames[requests % artifactNames.length]!;
        count((await call(`${base}/api/projects/${artifactProject}/artifacts/${name}`, keys.lister)).status);
      },
      async () => count((await call(`${base}/api/projects`, undefined)).status), // 401
      async () => count((await call(`${base}/api/projects`, keys.revoked)).status), // 403
      async () => count((await call(`${base}/api/projects`, keys.limited)).status), // 429
    ];

    const samples: Sample[] = [];
    // Store commands of the set-up above are not part of any phase.
    let lastQueries = (await server.nextReport()).storeCalls.QueryCommand ?? 0;
    const t0 = Date.now();
    let lastSampleAt = t0;
    const sample = async (phase: Sample['phase']) => {
      const { memory, storeCalls } = await server.nextReport();
      const now = Date.now();
      const queries = storeCalls.QueryCommand ?? 0;
      const s: Sample = {
        phase,
        elapsedS: Math.round((now - t0) / 1000),
        heapMb: mb(memory.heapUsed!),
        rssMb: mb(memory.rss!),
        requests,
        queriesPerS: Math.round(((queries - lastQueries) / Math.max(1, now - lastSampleAt)) * 10_000) / 10,
      };
      lastQueries = queries;
      lastSampleAt = now;
      samples.push(s);
      console.log(
        `${String(s.elapsedS).padStart(6)} s  ${phase.padEnd(4)}  heap after GC ${String(s.heapMb).padStart(6)} MB  RSS ${String(s.rssMb).padStart(6)} MB  requests ${String(s.requests).padStart(7)}  store Query/s ${s.queriesPerS}`,
      );
    };

    console.log(
      `soak: ${loadMinutes} min load (~${rate} req/s) + ${idleMinutes} min idle, sample every ${sampleMs / 1000} s, Node ${process.version}`,
    );
    await sample('load');
    const loadEnd = t0 + loadMinutes * 60_000;
    const maxRequests = Math.ceil(loadMinutes * 60 * rate);
    let nextSample = Date.now() + sampleMs;
    let nextCreate = Date.now();
    let round = 0;
    while (Date.now() < loadEnd && requests < maxRequests) {
      const roundStart = Date.now();
      const before = requests;
      if (Date.now() >= nextCreate) {
        const res = await call(
          `${base}/api/projects`,
          keys.creator,
          post(project(LISTED_PROJECTS + created++)),
        );
        count(res.status);
        nextCreate += 1000 / CREATES_PER_SECOND;
      }
      await mix[round++ % mix.length]!();
      // Pace to `rate`: this round's requests should have taken (count / rate) seconds.
      const due = roundStart + ((requests - before) / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      if (Date.now() >= nextSample) {
        await sample('load');
        nextSample += sampleMs;
      }
    }
    const idleEnd = Date.now() + idleMinutes * 60_000;
    nextSample = Date.now() + sampleMs;
    while (Date.now() < idleEnd) {
      await sleep(Math.max(0, Math.min(nextSample, idleEnd) - Date.now()));
      await sample('idle');
      nextSample += sampleMs;
    }

    console.log(`\nresponses by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    console.log(`projects created during the load: ${created} (plus ${LISTED_PROJECTS} listed)`);
    console.table(
      (['load', 'idle'] as const).map((phase) =>
        summarize(
          phase,
          samples.filter((s) => s.phase === phase),
        ),
      ),
    );
    console.log(
      'warm-up: the first third of each phase (at least one sample) is left out; drift = last − first sample after it.',
    );
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function summarize(phase: string, samples: Sample[]) {
  const warm = samples.slice(Math.max(1, Math.floor(samples.length / 3)));
  if (warm.length === 0) return { phase, samples: samples.length };
  const heap = warm.map((s) => s.heapMb);
  const rss = warm.map((s) => s.rssMb);
  const med = median(heap);
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${Math.round((v / med) * 1000) / 10} %`;
  return {
    phase,
    samples: `${warm.length} of ${samples.length}`,
    'heap median MB': med,
    'heap range MB': `${Math.min(...heap)}–${Math.max(...heap)}`,
    'heap range vs median': `${pct(Math.min(...heap) - med)} / ${pct(Math.max(...heap) - med)}`,
    'heap drift': pct(heap.at(-1)! - heap[0]!),
    'RSS median MB': median(rss),
    'RSS range MB': `${Math.min(...rss)}–${Math.max(...rss)}`,
    'RSS drift MB': Math.round((rss.at(-1)! - rss[0]!) * 10) / 10,
    'store Query/s median': median(warm.map((s) => s.queriesPerS)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
}

await main();
