import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { resourceNames } from '../../src/naming.ts';
import { runCli } from '../support/server-process.ts';

const PEPPER = JSON.stringify({ current: 1, 1: 'staging-pepper-0123456789abcdef' });
let store: EmbeddedStore;
let secrets: Server;
const requestedSecrets: string[] = [];
const storedSecrets = new Map<string, string>();
let awsEnv: Record<string, string>;

beforeAll(async () => {
  store = await startEmbeddedStore({});
  const names = resourceNames('staging');
  await ensureTables(store.endpoint, { data: names.dataTable, counters: names.countersTable });
  // Secrets Manager speaks JSON over POST with an X-Amz-Target header.
  secrets = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const request = JSON.parse(body) as { SecretId: string; SecretString?: string };
      requestedSecrets.push(`${req.headers['x-amz-target']} ${request.SecretId}`);
      if (request.SecretString) storedSecrets.set(request.SecretId, request.SecretString);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ Name: names.pepperSecret, SecretString: PEPPER, VersionId: 'v1' }));
    });
  });
  await new Promise<void>((r) => secrets.listen(0, '127.0.0.1', () => r()));
  awsEnv = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
  };
});
afterAll(async () => {
  await store.close();
  await new Promise((r) => secrets.close(r));
});

describe('agenticai keys --env (AWS mode)', () => {
  it('creates and lists keys in the environment table, hashing with the pepper from Secrets Manager', async () => {
    const created = await runCli(
      ['--env', 'staging', '--region', 'us-east-1', 'keys', 'create', '--name', 'canary', '--json'],
      awsEnv,
    );
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { keyId: string; key: string; clientId: string };
    expect(requestedSecrets).toContain('secretsmanager.GetSecretValue agenticai/staging/key-pepper');

    const listed = await runCli(
      ['--env', 'staging', '--region', 'us-east-1', 'keys', 'list', '--json'],
      awsEnv,
    );
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { keyId: string }[]).map((k) => k.keyId)).toEqual([key.keyId]);
  });

  it('--store-secret puts the new key into Secrets Manager and never prints it', async () => {
    const arn =
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:agenticai/staging/canary-api-key-AbCdEf';
    const res = await runCli(
      [
        '--env',
        'staging',
        '--region',
        'us-east-1',
        'keys',
        'create',
        '--name',
        'canary',
        '--store-secret',
        arn,
        '--json',
      ],
      awsEnv,
    );
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { keyId: string; storedIn: string; key?: string };
    expect(out.storedIn).toBe(arn);
    expect(out.key).toBeUndefined();
    expect(requestedSecrets).toContain(`secretsmanager.PutSecretValue ${arn}`);
    const stored = storedSecrets.get(arn)!;
    expect(stored).toMatch(new RegExp(`^agk_${out.keyId}_`));
    expect(res.stdout + res.stderr).not.toContain(stored);
  });

  it('without credentials or region: a clear message and exit 1', async () => {
    const noRegion = await runCli(['--env', 'staging', 'keys', 'list'], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr).toMatch(/no AWS region configured/);
    const noCredentials = await runCli(['--env', 'staging', '--region', 'eu-west-1', 'keys', 'list'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(/no AWS credentials found/);
  });
});
