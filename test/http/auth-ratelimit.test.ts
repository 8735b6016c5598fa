import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { localDynamoClient } from '../../src/adapters/local/embedded-dynamo.ts';
import { generateKey } from '../../src/domain/api-key.ts';
import { windowAt } from '../../src/domain/rate-window.ts';
import {
  captureMetrics,
  manualClock,
  serveOverHttp,
  startTestRuntime,
  type TestRuntime,
} from '../support/local-app.ts';

type Served = Awaited<ReturnType<typeof serveOverHttp>>;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * Mid-hour and standing still unless a test moves it: on the real clock, a run that crosses a UTC
 * hour resets the rate windows between two requests and the counts stop adding up.
 */
const MID_HOUR = '2026-11-23T10:30:00Z';

async function setup(opts: Parameters<typeof startTestRuntime>[0] = {}) {
  const rt = await startTestRuntime({ clock: manualClock(MID_HOUR), ...opts });
  const http = await serveOverHttp(rt);
  cleanups.push(
    () => rt.close(),
    () => http.close(),
  );
  const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
    fetch(`${http.url}${path}`, {
      ...init,
      headers: {
        ...(key !== undefined && { 'x-api-key': key }),
        ...(init.headers as Record<string, string>),
      },
    });
  return { rt, http, call };
}

let shared: { rt: TestRuntime; http: Served; call: Awaited<ReturnType<typeof setup>>['call'] };
beforeAll(async () => {
  shared = await setup();
});

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('R1 API authentication over HTTP', () => {
  it.each(['/health', '/api/projects', '/openapi.json', '/no/such/route'])(
    'R1.1 no X-API-Key on %s → 401 missing_api_key with WWW-Authenticate',
    async (path) => {
      const res = await shared.call(path, undefined);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('ApiKey realm="agenticai"');
      expect(await errorCode(res)).toBe('missing_api_key');
      expect(res.headers.get('x-request-id')).toBeTruthy();
    },
  );

  it('R1.2 a valid key is processed normally', async () => {
    const res = await shared.call('/health', shared.rt.apiKey);
    expect(res.status).toBe(200);
  });

  it('R1.3 malformed, unknown, revoked and expired keys all get the same 403 invalid_api_key', async () => {
    const { rt, call } = shared;
    const revoked = await rt.keyAdmin.createKey({ name: 'revoked', clientId: rt.clientId });
    await rt.keyAdmin.revokeKey(revoked.keyId);
    const expired = await rt.keyAdmin.createKey({ name: 'expired', clientId: rt.clientId, expiresInMs: 0 });
    const unknown = generateKey().key;
    const tampered = `${rt.apiKey.slice(0, 4)}ZZZZ${rt.apiKey.slice(8)}`;
    const bodies = [];
    for (const key of ['not-a-key', tampered, unknown, revoked.key, expired.key, 'agk_']) {
      const res = await call('/health', key);
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      bodies.push({ code: body.error.code, message: body.error.message });
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]!.code).toBe('invalid_api_key');
  });

  it('R1.4 at least 20 keys of different clients work concurrently', async () => {
    const { rt, call } = shared;
    const keys = await Promise.all(
      Array.from({ length: 24 }, (_, i) => rt.keyAdmin.createKey({ name: `k${i}` })),
    );
    const statuses = await Promise.all(
      keys
        .flatMap((k) => [call('/health', k.key), call('/api/projects', k.key)])
        .map(async (p) => (await p).status),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const owners = await Promise.all(
      keys.map(async (k) => {
        const res = await call('/api/projects', k.key, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'n', type: 'api', description: 'd' }),
        });
        return ((await res.json()) as { clientId: string }).clientId;
      }),
    );
    expect(owners).toEqual(keys.map((k) => k.clientId));
  });

  it('R1.4 the store holds only hashes: no secret appears in any stored item', async () => {
    const { rt } = shared;
    const created = await rt.keyAdmin.createKey({ name: 'hashed' });
    const secret = created.key.split('_')[2]!.slice(0, 32);
    const client = localDynamoClient(rt.store.endpoint);
    const { Items = [] } = await client.send(new ScanCommand({ TableName: 'agenticai-local-data' }));
    client.destroy();
    const dump = JSON.stringify(Items);
    expect(dump).toContain(created.keyId);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(created.key);
  });

  it("R1.3 a key only reaches its own client's projects", async () => {
    const { rt, call } = shared;
    const other = await rt.keyAdmin.createKey({ name: 'other' });
    const res = await call('/api/projects', rt.apiKey, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mine', type: 'api', description: 'd' }),
    });
    const { id } = (await res.json()) as { id: string };
    expect((await call(`/api/projects/${id}`, other.key)).status).toBe(404);
    expect((await call(`/api/projects/${id}`, rt.apiKey)).status).toBe(200);
  });
});

describe('R1.5 authentication log lines', () => {
  let lines: string[] = [];
  afterEach(() => vi.restoreAllMocks());

  it('one JSON line per attempt (the access line) with result and key id, never the secret or the rejected string', async () => {
    const rt = await startTestRuntime({ logger: new Logger({ serviceName: 't', logLevel: 'INFO' }) });
    cleanups.push(() => rt.close());
    const revoked = await rt.keyAdmin.createKey({ name: 'r', clientId: rt.clientId });
    await rt.keyAdmin.revokeKey(revoked.keyId);
    const expired = await rt.keyAdmin.createKey({ name: 'e', clientId: rt.clientId, expiresInMs: 0 });
    const unknownKey = generateKey().key;
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const attempts: [string | undefined, string][] = [
      [rt.apiKey, 'valid'],
      [undefined, 'missing'],
      ['garbage-key-value', 'malformed'],
      [unknownKey, 'unknown'],
      [revoked.key, 'revoked'],
      [expired.key, 'expired'],
    ];
    for (const [key] of attempts) {
      await rt.app.request('/health', { headers: key === undefined ? {} : { 'x-api-key': key } });
    }
    vi.restoreAllMocks();
    const logLines = lines.map((l) => JSON.parse(l)).filter((l) => !l._aws);
    // The attempt is part of the request's one access line: no separate auth line.
    expect(logLines.map((l) => l.event)).toEqual(attempts.map(() => 'request'));
    const auth = logLines;
    expect(auth.map((l) => l.auth)).toEqual(attempts.map(([, r]) => r));
    for (const line of auth) {
      expect(line).toMatchObject({ requestId: expect.any(String), timestamp: expect.any(String) });
    }
    expect(auth[0].keyId).toBe(rt.keyId);
    expect(auth[4].keyId).toBe(revoked.keyId);
    expect(auth[2].keyId).toBeUndefined();
    const everything = lines.join('');
    for (const secret of [rt.apiKey, revoked.key, expired.key, unknownKey, 'garbage-key-value']) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.split('_')[2] ?? secret);
    }
  });
});

describe('R6 rate limiting over HTTP', () => {
  it('R6.3 every authenticated response carries the rate-limit headers (2xx and 4xx)', async () => {
    const { rt, call } = shared;
    for (const [path, init, status] of [
      ['/health', {}, 200],
      ['/api/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV', {}, 404],
      ['/api/projects', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }, 415],
    ] as const) {
      const res = await call(path, rt.apiKey, init as RequestInit);
      expect(res.status).toBe(status);
      expect(res.headers.get('x-ratelimit-limit')).toBe('100000');
      expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(windowAt(new Date(MID_HOUR)).end));
      expect(res.headers.get('ratelimit-policy')).toBe('"hourly";q=100000;w=3600');
      expect(res.headers.get('ratelimit')).toMatch(/^"hourly";r=\d+;t=\d+$/);
    }
  });

  it('R6.2 over the limit → 429 rate_limited with Retry-After; R6.5 logged and counted', async () => {
    const metrics = captureMetrics();
    const { rt, call } = await setup({ hourlyLimit: 3, metrics });
    const warn = vi.spyOn(rt.logger, 'warn');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('/health', rt.apiKey)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const res = await call('/health', rt.apiKey);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe('rate_limited');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-limit')).toBe('3');
    expect(warn).toHaveBeenCalledWith(
      'rate limit exceeded',
      expect.objectContaining({
        event: 'rate_limit_exceeded',
        clientId: rt.clientId,
        keyId: rt.keyId,
        limit: 3,
        resetAt: windowAt(new Date(MID_HOUR)).end,
      }),
    );
    expect(metrics.counts.filter((m) => m.name === 'RateLimited')).toHaveLength(3);
  });

  it('R6.1 all keys of a client share one limit and one counter', async () => {
    const { rt, call } = await setup({ hourlyLimit: 4 });
    const second = await rt.keyAdmin.createKey({ name: 'second', clientId: rt.clientId });
    const statuses = [];
    for (const key of [rt.apiKey, second.key, rt.apiKey, second.key, rt.apiKey, second.key]) {
      statuses.push((await call('/health', key)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('R6.1 the limit is configurable per client (clients set-limit)', async () => {
    const { rt, call } = await setup({ hourlyLimit: 1, env: { AUTH_CACHE_TTL_SECONDS: '0' } });
    expect((await call('/health', rt.apiKey)).status).toBe(200);
    expect((await call('/health', rt.apiKey)).status).toBe(429);
    await rt.keyAdmin.setClientLimit(rt.clientId, 3);
    const res = await call('/health', rt.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('3');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('R6.1 exactly `limit` requests are admitted under concurrency (200 concurrent, limit 50, 3 runs)', async () => {
    const { rt, call } = shared;
    for (let run = 0; run < 3; run++) {
      const key = await rt.keyAdmin.createKey({ name: `burst${run}`, hourlyLimit: 50 });
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async () => (await call('/health', key.key)).status),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(150);
    }
  });

  it('R6.4 windows reset on the UTC hour (injected clock)', async () => {
    const clock = manualClock('2026-11-23T05:59:58Z');
    const { rt, call } = await setup({ hourlyLimit: 2, clock });
    await call('/health', rt.apiKey);
    await call('/health', rt.apiKey);
    const blocked = await call('/health', rt.apiKey);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('2');
    expect(blocked.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-11-23T06:00:00Z') / 1000));
    clock.set('2026-11-23T06:00:00Z');
    const fresh = await call('/health', rt.apiKey);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(fresh.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-11-23T07:00:00Z') / 1000));
  });

  it('rotation keeps the client quota: the new key continues the same counter', async () => {
    const { rt, call } = await setup({ hourlyLimit: 5 });
    for (let i = 0; i < 3; i++) await call('/health', rt.apiKey);
    const rotated = await rt.keyAdmin.rotateKey(rt.keyId, 3_600_000);
    const res = await call('/health', rotated.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call('/health', rt.apiKey)).status).toBe(200);
    expect((await call('/health', rotated.key)).status).toBe(429);
  });

  it('revocation takes effect within the key cache TTL', async () => {
    const clock = manualClock('2026-11-23T05:00:00Z');
    const { rt, call } = await setup({ clock, env: { AUTH_CACHE_TTL_SECONDS: '30' } });
    expect((await call('/health', rt.apiKey)).status).toBe(200);
    await rt.keyAdmin.revokeKey(rt.keyId);
    clock.advance(10_000);
    expect((await call('/health', rt.apiKey)).status).toBe(200); // still cached: the documented delay
    clock.advance(21_000);
    expect((await call('/health', rt.apiKey)).status).toBe(403);
  });
});

describe('failure policy', () => {
  it('key store unavailable → 503 service_unavailable with Retry-After (fail closed)', async () => {
    const metrics = captureMetrics();
    const { rt, call } = await setup({ metrics });
    await rt.store.close();
    const res = await call('/health', rt.apiKey);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await errorCode(res)).toBe('service_unavailable');
    expect(metrics.counts.map((m) => m.name)).toContain('AuthStoreUnavailable');
  });

  it('counter store unavailable → admitted, logged ratelimit_store_unavailable, counted (fail open)', async () => {
    const metrics = captureMetrics();
    const { rt, call } = await setup({ metrics });
    const error = vi.spyOn(rt.logger, 'error');
    const client = localDynamoClient(rt.store.endpoint);
    await client.send(new DeleteTableCommand({ TableName: 'agenticai-local-counters' }));
    client.destroy();
    const res = await call('/health', rt.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('100000');
    expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
    expect(error).toHaveBeenCalledWith(
      'rate-limit store unavailable',
      expect.objectContaining({ event: 'ratelimit_store_unavailable' }),
    );
    expect(metrics.counts.map((m) => m.name)).toContain('RateLimitStoreUnavailable');
  });

  it('counter store unavailable with RATE_LIMIT_FAIL_OPEN=false → 503', async () => {
    const { rt, call } = await setup({ env: { RATE_LIMIT_FAIL_OPEN: 'false' } });
    const client = localDynamoClient(rt.store.endpoint);
    await client.send(new DeleteTableCommand({ TableName: 'agenticai-local-counters' }));
    client.destroy();
    const res = await call('/health', rt.apiKey);
    expect(res.status).toBe(503);
    expect(await errorCode(res)).toBe('service_unavailable');
  });

  it('auth failures are counted by reason (AuthFailures metric)', async () => {
    const metrics = captureMetrics();
    const { call } = await setup({ metrics });
    await call('/health', undefined);
    await call('/health', 'nonsense');
    expect(metrics.counts).toEqual([
      { name: 'AuthFailures', dimensions: { reason: 'missing' } },
      { name: 'AuthFailures', dimensions: { reason: 'malformed' } },
    ]);
  });
});
