import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { smoke } from '../../infra/bin/smoke.ts';

// The API Gateway URL is https only, so the API is a stubbed fetch that records what it was asked.
let dir: string;
let outputsFile: string;
const lines: string[] = [];
const log = (line: string) => lines.push(line);
const requests: { url: string; key: string | null }[] = [];

function answer(...responses: [number, unknown][]) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL, init: RequestInit) => {
      requests.push({ url: String(url), key: new Headers(init.headers).get('X-API-Key') });
      const [status, body] = responses[Math.min(requests.length - 1, responses.length - 1)]!;
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }),
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agenticai-smoke-'));
  outputsFile = join(dir, 'outputs-staging.json');
  writeFileSync(
    outputsFile,
    JSON.stringify({
      'agenticai-staging': { ApiEndpoint4F160690: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/' },
    }),
  );
  lines.length = 0;
  requests.length = 0;
});
afterEach(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});

describe('post-deploy smoke check (until the canary replaces it)', () => {
  it('R12.3 passes when the deployed /health answers 200 ok, with the API key', async () => {
    answer([200, { status: 'ok', version: '0.1.0' }]);
    expect(await smoke({ env: 'staging', outputsFile, apiKey: 'k-123', pauseMs: 0, log })).toBe(true);
    expect(requests).toEqual([
      { url: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/health', key: 'k-123' },
    ]);
    expect(lines.join('\n')).not.toContain('k-123');
  });

  it('R12.3 retries a degraded answer and passes once healthy', async () => {
    answer([503, { status: 'degraded' }], [200, { status: 'ok' }]);
    expect(await smoke({ env: 'staging', outputsFile, apiKey: 'k', pauseMs: 0, log })).toBe(true);
    expect(requests).toHaveLength(2);
    expect(lines[0]).toContain('attempt 1/5: HTTP 503, status degraded');
  });

  it('R12.3 fails after the attempts when the API keeps refusing', async () => {
    answer([401, { error: 'unauthorized' }]);
    expect(await smoke({ env: 'staging', outputsFile, apiKey: 'wrong', attempts: 3, pauseMs: 0, log })).toBe(
      false,
    );
    expect(requests).toHaveLength(3);
  });

  it('fails clearly without a key or without the deploy outputs, calling nothing', async () => {
    answer([200, { status: 'ok' }]);
    expect(await smoke({ env: 'staging', outputsFile, apiKey: undefined, log })).toBe(false);
    expect(lines.pop()).toContain('AGENTICAI_SMOKE_API_KEY is not set');
    expect(await smoke({ env: 'production', outputsFile, apiKey: 'k', log })).toBe(false);
    expect(lines.pop()).toContain('no API endpoint');
    expect(requests).toEqual([]);
  });
});
