/**
 * `npm run bench:http`: autocannon against the local server, authenticated GET /health,
 * with the hardening (auth + rate limit) on and bypassed. Prints figures; asserts nothing.
 * Options: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50).
 */
import { rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import { startServer, tempDataDir } from '../test/support/server-process.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Figures {
  mode: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  storeCallsPerRequest: Record<string, number>;
}

async function run(mode: 'hardened' | 'bypassed'): Promise<Figures> {
  const dir = await tempDataDir();
  const server = await startServer({
    AGENTICAI_DATA_DIR: dir,
    AGENTICAI_COUNT_STORE_CALLS: 'true',
    RATE_LIMIT_DEFAULT_HOURLY: '10000000',
    ...(mode === 'bypassed' && { AGENTICAI_UNSAFE_BYPASS_HARDENING: 'true' }),
  });
  try {
    const headers = server.bootstrapKey ? { 'x-api-key': server.bootstrapKey } : undefined;
    // Warm up: JIT, key cache, connections.
    await autocannon({ url: `${server.url}/health`, connections: 10, duration: 2, headers });
    const before = await storeCalls(server);
    const result = await autocannon({ url: `${server.url}/health`, connections, duration: seconds, headers });
    const after = await storeCalls(server);
    const total = result.requests.total;
    const perRequest = Object.fromEntries(
      Object.keys(after).map((name) => [name, round(((after[name] ?? 0) - (before[name] ?? 0)) / total, 4)]),
    );
    return {
      mode,
      requests: total,
      rps: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      storeCallsPerRequest: perRequest,
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The server reports its store calls when asked with SIGUSR2 (see src/entry/server.ts). */
async function storeCalls(server: Awaited<ReturnType<typeof startServer>>) {
  const reports = () => server.lines().filter((l) => l.includes('"store_calls"'));
  const seen = reports().length;
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 250; i++) {
    const all = reports();
    if (all.length > seen) return JSON.parse(all.at(-1)!).byCommand as Record<string, number>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('server did not report store calls');
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const hardened = await run('hardened');
const bypassed = await run('bypassed');
console.log(`\nGET /health, ${connections} connections, ${seconds} s each, Node ${process.version}\n`);
console.table(
  [hardened, bypassed].map((f) => ({
    mode: f.mode,
    'req/s': f.rps,
    'p50 ms': f.p50,
    'p99 ms': f.p99,
    requests: f.requests,
    'non-2xx': f.non2xx,
    'store calls / request': JSON.stringify(f.storeCallsPerRequest),
  })),
);
console.log(`throughput ratio hardened/bypassed: ${round(hardened.rps / bypassed.rps)}`);
const extra = (name: string) =>
  round((hardened.storeCallsPerRequest[name] ?? 0) - (bypassed.storeCallsPerRequest[name] ?? 0), 4);
console.log(
  `hardening's own store calls per request: writes (UpdateItem) ${extra('UpdateItemCommand')}, reads (GetItem) ${extra('GetItemCommand')}`,
);
console.log('(GET /health itself reads the store once per request, in both modes.)');
