import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LocalQueueOptions } from '../../src/adapters/local/store-queue.ts';
import type { Clock, MetricsSink, ModelProvider } from '../../src/app/ports.ts';
import { createLocalRuntime, type LocalRuntime } from '../../src/composition/local.ts';
import { loadConfig } from '../../src/config.ts';
import type { MetricName } from '../../src/observability/metrics.ts';

export const silentLogger = () => new Logger({ logLevel: 'SILENT' });

export interface TestRuntime extends LocalRuntime {
  dataDir: string;
  /** A valid key of its own client, sent by `request` unless the caller sets X-API-Key. */
  apiKey: string;
  clientId: string;
  keyId: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ res: Response; body: T }>;
}

/** The real local composition (in-memory dynalite, temp artifact dir), driven in-process. */
export async function startTestRuntime(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    logger?: Logger;
    metrics?: MetricsSink;
    hourlyLimit?: number;
    model?: ModelProvider;
    workers?: boolean;
    queue?: LocalQueueOptions;
  } = {},
): Promise<TestRuntime> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agenticai-test-'));
  // Generous project caps by default: tests of other features create many projects.
  const config = loadConfig({
    AGENTICAI_DATA_DIR: dataDir,
    RUNNING_PROJECTS: '10000',
    PROJECTS_PER_DAY: '100000',
    ...opts.env,
  });
  const runtime = await createLocalRuntime(config, {
    inMemory: true,
    clock: opts.clock,
    logger: opts.logger ?? silentLogger(),
    metrics: opts.metrics ?? { count: () => {}, record: () => {} },
    model: opts.model,
    workers: opts.workers,
    // Fast polling and short backoff keep pipeline tests quick; semantics are unchanged.
    queue: { pollIntervalMs: 10, ...opts.queue },
    retryBackoff: { baseMs: 5, capMs: 20 },
  });
  const created = await runtime.keyAdmin.createKey({
    name: 'test',
    hourlyLimit: opts.hourlyLimit ?? 100_000,
  });
  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-api-key')) headers.set('x-api-key', created.key);
    return Promise.resolve(runtime.app.request(`http://127.0.0.1${path}`, { ...init, headers }));
  };
  return {
    ...runtime,
    dataDir,
    apiKey: created.key,
    clientId: created.clientId,
    keyId: created.keyId,
    request,
    async json<T>(path: string, init?: RequestInit) {
      const res = await request(path, init);
      return { res, body: (await res.json()) as T };
    },
    async close() {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export const validProject = { name: 'Todo API', type: 'api', description: 'A REST API for todo items' };

/** Serves a runtime's app on a free loopback port: real sockets, real HTTP. */
export async function serveOverHttp(rt: { app: { fetch: (req: Request) => Response | Promise<Response> } }) {
  const { serve } = await import('@hono/node-server');
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: rt.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A clock tests move by hand. */
export function manualClock(start: string) {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso).getTime();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Collects metrics (counts and recorded values) instead of printing EMF. */
export function captureMetrics() {
  const counts: { name: MetricName; dimensions: Record<string, string> }[] = [];
  const values: { name: MetricName; value: number; unit: string; dimensions: Record<string, string> }[] = [];
  return {
    counts,
    values,
    count(name: MetricName, dimensions: Record<string, string> = {}) {
      counts.push({ name, dimensions });
    },
    record(name: MetricName, value: number, unit: string, dimensions: Record<string, string> = {}) {
      values.push({ name, value, unit, dimensions });
    },
  };
}

export { waitFor } from './wait.ts';
