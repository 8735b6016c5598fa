import { describe, expect, it } from 'vitest';
import { CANARY_HEADER, type CanaryDeps, describeCanary, runCanary } from '../../src/canary/health-check.ts';
import { localStepRunner } from '../../src/canary/local-runtime.ts';

const KEY = 'agk_canarytest_secret';
const PROJECT_ID = '01JCANARYPROJECT0000000000';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * A fake API behind an injected fetch and clock: each route answers as configured and advances the
 * clock by its configured latency, so step durations are exact and never depend on real time.
 */
function fakeApi(
  routes: Partial<
    Record<'health' | 'create' | 'read', { status?: number; body?: unknown; ms?: number }>
  > = {},
  refuse = false,
) {
  let clock = 1_000;
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    calls.push({
      method,
      url,
      headers: init?.headers as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    if (refuse) {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      });
    }
    const route = url.endsWith('/health') ? 'health' : method === 'POST' ? 'create' : 'read';
    const defaults = {
      health: { status: 200, body: { status: 'ok' }, ms: 12 },
      create: { status: 202, body: { id: PROJECT_ID, status: 'queued' }, ms: 40 },
      read: { status: 200, body: { id: PROJECT_ID, status: 'queued' }, ms: 8 },
    }[route];
    const r = { ...defaults, ...routes[route] };
    clock += r.ms;
    return new Response(JSON.stringify(r.body), {
      status: r.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  const deps: CanaryDeps = { fetch: fetchImpl, now: () => clock };
  return { deps, calls };
}

const opts = { endpoint: 'https://api.example.test/v1', apiKey: KEY, stepBudgetMs: 1000 };

describe('health-check canary (pure, injected fetch and clock)', () => {
  it('R11.3 checks /health, creates a project and reads the same project back, with the canary key and marker', async () => {
    const { deps, calls } = fakeApi();
    const result = await runCanary(opts, deps);
    expect(result.ok).toBe(true);
    expect(result.projectId).toBe(PROJECT_ID);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET https://api.example.test/v1/health',
      'POST https://api.example.test/v1/api/projects',
      `GET https://api.example.test/v1/api/projects/${PROJECT_ID}`,
    ]);
    for (const call of calls) {
      expect(call.headers['X-API-Key']).toBe(KEY);
      expect(call.headers[CANARY_HEADER]).toBe('1');
    }
    expect(calls[1]!.body).toMatchObject({ type: 'api' });
  });

  it('R11.4 records the duration of each step from the injected clock', async () => {
    const { deps } = fakeApi({ health: { ms: 12 }, create: { ms: 40 }, read: { ms: 8 } });
    const result = await runCanary(opts, deps);
    expect(result.steps.map((s) => [s.step, s.ok, s.durationMs, s.status])).toEqual([
      ['health', true, 12, 200],
      ['create-project', true, 40, 202],
      ['read-project', true, 8, 200],
    ]);
    expect(result.totalMs).toBe(60);
    expect(describeCanary(result)).toMatch(/ok {3}create-project +40 ms {2}HTTP 202/);
  });

  it('R11.4 a step over the time budget fails, naming the step and the budget', async () => {
    const { deps } = fakeApi({ create: { ms: 1500 } });
    const result = await runCanary(opts, deps);
    expect(result.ok).toBe(false);
    expect(result.failed).toEqual({
      step: 'create-project',
      reason: 'took 1500 ms, over the step budget of 1000 ms',
    });
    // A step exactly at the budget passes.
    const atBudget = await runCanary(opts, fakeApi({ create: { ms: 1000 } }).deps);
    expect(atBudget.ok).toBe(true);
  });

  it('R11.3 an endpoint that refuses connections fails the health step as "connection refused"', async () => {
    const { deps, calls } = fakeApi({}, true);
    const result = await runCanary(opts, deps);
    expect(result.failed?.step).toBe('health');
    expect(result.failed?.reason).toMatch(/connection refused/);
    expect(calls).toHaveLength(1);
    expect(result.steps).toHaveLength(1);
    expect(describeCanary(result)).toMatch(/skip create-project\nskip read-project/);
  });

  it('R11.3 a 5xx on project creation fails that step with the status and the API error code', async () => {
    const { deps } = fakeApi({
      create: { status: 503, body: { error: { code: 'dependency_unavailable', message: 'store down' } } },
    });
    const result = await runCanary(opts, deps);
    expect(result.failed).toEqual({
      step: 'create-project',
      reason:
        'POST https://api.example.test/v1/api/projects answered HTTP 503 (server error): dependency_unavailable (store down)',
    });
    expect(result.steps.map((s) => s.step)).toEqual(['health', 'create-project']);
  });

  it('R11.3 a degraded /health (503 naming the failing dependency) fails the health step', async () => {
    const { deps } = fakeApi({ health: { status: 503, body: { status: 'degraded' } } });
    const result = await runCanary(opts, deps);
    expect(result.failed?.step).toBe('health');
    expect(result.failed?.reason).toMatch(/HTTP 503/);
  });

  it('R11.3 a revoked key (403) fails naming the key and how to rotate it', async () => {
    const { deps } = fakeApi({
      health: {
        status: 403,
        body: { error: { code: 'invalid_api_key', message: 'the API key is invalid, revoked or expired' } },
      },
    });
    const result = await runCanary(opts, deps);
    expect(result.failed?.step).toBe('health');
    expect(result.failed?.reason).toMatch(
      /HTTP 403 \(the canary key is unknown, revoked or expired: rotate it/,
    );
    expect(result.failed?.reason).toMatch(/invalid_api_key/);
  });

  it('R11.3 reading back a different project fails the read step', async () => {
    const { deps } = fakeApi({ read: { body: { id: 'someone-else' } } });
    const result = await runCanary(opts, deps);
    expect(result.failed?.step).toBe('read-project');
    expect(result.failed?.reason).toMatch(/returned project someone-else, not/);
  });

  it('R11.4 runs each step through the step runner (the Synthetics shim logs start and outcome)', async () => {
    const lines: string[] = [];
    const { deps } = fakeApi({ read: { status: 500, body: {} } });
    await runCanary(opts, { ...deps, runStep: localStepRunner((l) => lines.push(l)) });
    expect(lines[0]).toBe('Executing step: health');
    expect(lines).toContain('Step create-project succeeded');
    expect(lines.at(-1)).toMatch(/^Step read-project failed: GET .* answered HTTP 500/);
  });
});
