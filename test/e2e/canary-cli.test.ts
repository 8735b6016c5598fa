import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanaryResult } from '../../src/canary/health-check.ts';
import { resourceNames } from '../../src/naming.ts';
import { runCli, type ServerProcess, startServer, tempDataDir } from '../support/server-process.ts';

let dir: string;
let server: ServerProcess;
let canaryKey: string;
let canaryKeyId: string;

beforeAll(async () => {
  dir = await tempDataDir();
  // No key cache, so a revocation shows on the next request.
  server = await startServer({
    AGENTICAI_DATA_DIR: dir,
    AUTH_CACHE_TTL_SECONDS: '0',
    AUTH_NEGATIVE_CACHE_TTL_SECONDS: '0',
    // Caps a canary run would exceed if its projects counted.
    RUNNING_PROJECTS: '1',
    PROJECTS_PER_DAY: '1',
  });
  const created = await runCli(['keys', 'create', '--name', 'canary', '--canary', '--json'], {
    AGENTICAI_DATA_DIR: dir,
  });
  expect(created.code).toBe(0);
  ({ key: canaryKey, keyId: canaryKeyId } = JSON.parse(created.stdout) as { key: string; keyId: string });
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const local = (extra: Record<string, string | undefined> = {}) => ({
  AGENTICAI_DATA_DIR: dir,
  AGENTICAI_CANARY_KEY: undefined,
  ...extra,
});

describe('agenticai canary run (the real binary against a real local server)', () => {
  it('R11.3 R11.4 passes against the local server: three steps, each timed, the project read back', async () => {
    const run = await runCli(
      ['canary', 'run', '--endpoint', server.url, '--key', canaryKey, '--json'],
      local(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as CanaryResult;
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.step, s.ok, s.status])).toEqual([
      ['health', true, 200],
      ['create-project', true, 202],
      ['read-project', true, 200],
    ]);
    for (const s of result.steps) expect(s.durationMs).toBeGreaterThan(0);
    const shown = await runCli(['projects', 'list', '--json'], local());
    expect((JSON.parse(shown.stdout) as { id: string }[]).map((p) => p.id)).toContain(result.projectId);
  });

  it('R11.3 canary projects skip the quotas and the pipeline, expire, and only canary clients may mark them', async () => {
    // Caps of 1 running and 1 per day: three more canary runs still pass.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runCli(
        ['canary', 'run', '--endpoint', server.url, '--key', canaryKey, '--json'],
        local(),
      );
      expect(run.code).toBe(0);
      ids.push((JSON.parse(run.stdout) as CanaryResult).projectId!);
    }
    const headers = { 'x-api-key': canaryKey };
    const project = (await (await fetch(`${server.url}/api/projects/${ids[2]}`, { headers })).json()) as {
      canary?: boolean;
      status: string;
    };
    // Never queued to the pipeline: it stays queued (and no stage ran).
    expect(project).toMatchObject({ canary: true, status: 'queued', history: [] });

    // An ordinary client may not mark its projects as canaries.
    const other = JSON.parse(
      (await runCli(['keys', 'create', '--name', 'someone', '--json'], local())).stdout,
    ) as { key: string };
    const refused = await runCli(['canary', 'run', '--endpoint', server.url, '--key', other.key], local());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/step create-project: POST \S+ answered HTTP 403 .*canary_not_allowed/);
    // And its real projects still count: the daily cap of 1 admits one, refuses the next.
    const post = () =>
      fetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: { 'x-api-key': other.key, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'real', type: 'api', description: 'a real project' }),
      });
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(429);
  });

  it('R11.3 defaults: the local server from HOST/PORT and the key from AGENTICAI_CANARY_KEY', async () => {
    const { hostname, port } = new URL(server.url);
    const run = await runCli(
      ['canary', 'run'],
      local({ HOST: hostname, PORT: port, AGENTICAI_CANARY_KEY: canaryKey }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok {3}health/m);
    expect(run.stdout).toMatch(/Canary passed against http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stderr).toMatch(/Executing step: health/);
  });

  it('--step-budget-ms is validated (slowness itself is proven with an injected clock in test/canary)', async () => {
    const bad = await runCli(
      ['canary', 'run', '--endpoint', server.url, '--key', canaryKey, '--step-budget-ms', '0'],
      local(),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--step-budget-ms must be a whole number/);
  });

  it('a missing key is a usage error (exit 2) that says how to get one', async () => {
    const run = await runCli(['canary', 'run', '--endpoint', server.url], local());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no canary key: pass --key or set AGENTICAI_CANARY_KEY/);
  });

  it('--env: keys rotate --store-secret puts the new key into the canary secret, and canary run --env uses it', async () => {
    const names = resourceNames('dev');
    const asked: string[] = [];
    const stored = new Map<string, string>();
    // Secrets Manager speaks JSON over POST with an X-Amz-Target header.
    const secrets: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        const { SecretId, SecretString } = JSON.parse(body) as { SecretId: string; SecretString?: string };
        asked.push(`${req.headers['x-amz-target']} ${SecretId}`);
        if (SecretString) stored.set(SecretId, SecretString);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(JSON.stringify({ Name: SecretId, SecretString: stored.get(SecretId), VersionId: 'v1' }));
      });
    });
    await new Promise<void>((r) => secrets.listen(0, '127.0.0.1', () => r()));
    const aws = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
    };
    try {
      const rotated = await runCli(
        ['keys', 'rotate', canaryKeyId, '--store-secret', names.canaryKeySecret, '--json'],
        local(aws),
      );
      expect(rotated.code).toBe(0);
      const { keyId: newKeyId } = JSON.parse(rotated.stdout) as { keyId: string; key?: string };
      expect(rotated.stdout).not.toMatch(/agk_/);
      const newKey = stored.get(names.canaryKeySecret)!;
      expect(newKey).toMatch(new RegExp(`^agk_${newKeyId}_`));

      const run = await runCli(['--env', 'dev', 'canary', 'run', '--endpoint', server.url, '--json'], aws);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(asked).toEqual([
        `secretsmanager.PutSecretValue ${names.canaryKeySecret}`,
        `secretsmanager.GetSecretValue ${names.canaryKeySecret}`,
      ]);
      // The rest of the file uses the rotated key (the old one lives on for the grace period).
      canaryKey = newKey;
      canaryKeyId = newKeyId;
    } finally {
      await new Promise((r) => secrets.close(r));
    }
  });

  it('R11.3 a revoked key fails the health step with exit 1 and says so (403)', async () => {
    const revoked = await runCli(['keys', 'revoke', canaryKeyId], local());
    expect(revoked.code).toBe(0);
    const run = await runCli(
      ['canary', 'run', '--endpoint', server.url, '--key', canaryKey, '--json'],
      local(),
    );
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as CanaryResult;
    expect(result.failed?.step).toBe('health');
    expect(run.stderr).toMatch(
      /canary failed at step health: GET \S+\/health answered HTTP 403 \(the canary key is unknown, revoked/,
    );
  });

  it('R11.3 an endpoint that is down fails the health step with exit 1: connection refused', async () => {
    const url = server.url;
    await server.stop();
    const run = await runCli(['canary', 'run', '--endpoint', url, '--key', canaryKey], local());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL health/);
    expect(run.stderr).toMatch(/canary failed at step health: GET \S+ failed: connection refused/);
  });
});
