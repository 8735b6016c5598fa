import Module from 'node:module';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StepRunner } from '../../src/canary/health-check.ts';

/**
 * The Synthetics entry point under the conditions of a canary in a second region (R11.5): the
 * runtime's region is that region, the key secret is in the main region. The runtime's
 * `Synthetics` module is a stand-in recording the steps; the API is a stubbed fetch.
 */
const sm = mockClient(SecretsManagerClient);
type Load = (this: unknown, request: string, ...rest: unknown[]) => unknown;
const ModuleLoader = Module as unknown as { _load: Load };
const originalLoad = ModuleLoader._load;
const SECRET =
  'arn:aws:secretsmanager:us-east-1:111111111111:secret:agenticai/production/canary-api-key-AbCdEf';
const steps: string[] = [];
const executeStep: StepRunner = async (name, fn) => {
  steps.push(name);
  return fn();
};
const saved = { ...process.env };
beforeAll(() => {
  // The module the Synthetics runtime provides to `require('Synthetics')`.
  ModuleLoader._load = function (request: string, ...rest: unknown[]) {
    if (request === 'Synthetics') return { executeStep };
    return originalLoad.call(this, request, ...rest);
  };
  Object.assign(process.env, {
    AWS_REGION: 'us-west-2',
    CANARY_ENDPOINT: 'https://abc.execute-api.us-east-1.amazonaws.com/v1/',
    CANARY_KEY_SECRET_ID: SECRET,
    CANARY_KEY_SECRET_REGION: 'us-east-1',
    CANARY_STEP_BUDGET_MS: '5000',
  });
});
afterAll(() => {
  ModuleLoader._load = originalLoad;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});
afterEach(() => {
  sm.reset();
  steps.length = 0;
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('Synthetics handler in a second canary region', () => {
  it('R11.5 reads the key from the main-region secret, not its own region, and runs the three steps against the API', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: 'agk_01JCANARY_value' });
    const calls: [string, string | undefined][] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push([`${init.method} ${url}`, (init.headers as Record<string, string>)['X-API-Key']]);
      if (url.endsWith('/health')) return json(200, { status: 'ok' });
      if (init.method === 'POST') return json(202, { id: 'p1' });
      return json(200, { id: 'p1' });
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { handler } = await import('../../src/canary/synthetics-handler.ts');
    await handler();
    const client = sm.call(0).thisValue as SecretsManagerClient;
    // AWS would answer "secret not found" from us-west-2: the client must ask us-east-1.
    expect(await client.config.region()).toBe('us-east-1');
    expect(steps).toEqual(['health', 'create-project', 'read-project']);
    expect(calls).toEqual([
      ['GET https://abc.execute-api.us-east-1.amazonaws.com/v1/health', 'agk_01JCANARY_value'],
      ['POST https://abc.execute-api.us-east-1.amazonaws.com/v1/api/projects', 'agk_01JCANARY_value'],
      ['GET https://abc.execute-api.us-east-1.amazonaws.com/v1/api/projects/p1', 'agk_01JCANARY_value'],
    ]);
    const result = JSON.parse(String(log.mock.calls.at(-1)![0]));
    expect(result).toMatchObject({ event: 'canary_result', ok: true });
    // The key never reaches the log line.
    expect(JSON.stringify(log.mock.calls)).not.toContain('agk_01JCANARY_value');
  });

  it('R11.5 fails the run, naming the secret, while the main-region secret holds no key yet', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: '' });
    vi.stubGlobal('fetch', async () => {
      throw new Error('the API must not be called without a key');
    });
    const { handler } = await import('../../src/canary/synthetics-handler.ts');
    await expect(handler()).rejects.toThrow(`the canary secret ${SECRET} holds no API key yet`);
    expect(steps).toEqual([]);
  });
});
