import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiUrl, nextSteps } from '../../infra/deploy-steps.ts';
import { ROOT } from '../support/server-process.ts';

const clean = {
  AGENTICAI_ACCOUNT: '',
  AGENTICAI_ACCOUNT_DEV: '',
  AGENTICAI_ACCOUNT_STAGING: '',
  AGENTICAI_ACCOUNT_PRODUCTION: '',
  AGENTICAI_ADMIN_EMAILS: '',
  AGENTICAI_ENVIRONMENTS: '',
  CDK_CONTEXT_JSON: '',
};
const spawn = (file: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...clean, ...env },
    encoding: 'utf8',
  });
const run = (args: string[], env: Record<string, string> = {}) => spawn('infra/bin/cdk-env.ts', args, env);
/** The CDK app as a bare `npx cdk deploy` runs it (no wrapper in between). */
const app = (env: Record<string, string> = {}) => spawn('infra/bin/agenticai.ts', [], env);

describe('npm run deploy / diff wrapper', () => {
  it('needs a known --env (exit 2 with usage)', () => {
    for (const args of [['deploy'], ['deploy', '--env', 'qa'], ['destroy', '--env', 'dev']]) {
      const res = run(args);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/usage: npm run .* -- --env dev\|staging\|production/);
    }
  });

  it('refuses to deploy to a missing or placeholder account, naming the variable', () => {
    for (const account of ['', '000000000000']) {
      const res = run(['deploy', '--env', 'staging'], { AGENTICAI_ACCOUNT_STAGING: account });
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/set AGENTICAI_ACCOUNT_STAGING /);
      // Only the environment being deployed needs an account.
      expect(res.stderr).not.toMatch(/AGENTICAI_ACCOUNT_PRODUCTION/);
    }
  });

  it('rejects an invalid account id before anything runs, naming the field', () => {
    const res = run(['diff', '--env', 'staging'], { AGENTICAI_ACCOUNT_STAGING: '12345' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/environment staging: account: must be a 12-digit AWS account id/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses staging without administrator emails, or with a placeholder address', () => {
    let res = run(['deploy', '--env', 'staging'], { AGENTICAI_ACCOUNT_STAGING: '123456789012' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(
      /staging needs at least one administrator email \(set AGENTICAI_ADMIN_EMAILS\)/,
    );
    res = run(['deploy', '--env', 'production'], {
      AGENTICAI_ACCOUNT_PRODUCTION: '123456789012',
      AGENTICAI_ADMIN_EMAILS: 'ops@example.com',
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/ops@example.com is a placeholder address/);
  });
});

describe('npm run deploy runs the doctor first', () => {
  it('stops before CDK when a check fails (no credentials here), naming --skip-doctor', () => {
    const res = run(['deploy', '--env', 'staging'], {
      AGENTICAI_ACCOUNT_STAGING: '123456789012',
      AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      AWS_WEB_IDENTITY_TOKEN_FILE: '',
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/credentials .*fail/);
    expect(res.stderr).toMatch(/not deploying \(fix the failed checks, or pass --skip-doctor\)/);
    // CDK never ran: nothing was synthesized or bundled.
    expect(res.stdout + res.stderr).not.toMatch(/Bundling|Synthesis time|agenticai-staging: deploying/);
  });

  it('ends with the API URL and the next steps', () => {
    const outputs = {
      'agenticai-staging': {
        ApiEndpoint4F160690: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/',
        Other: 'x',
      },
    };
    const url = apiUrl(outputs, 'agenticai-staging');
    expect(url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/v1/');
    const text = nextSteps('staging', 'eu-west-1', url);
    expect(text).toContain('API: https://abc123.execute-api.eu-west-1.amazonaws.com/v1/');
    expect(text).toMatch(/Confirm the .*Subscription Confirmation/);
    expect(text).toContain('npx agenticai --env staging --region eu-west-1 keys create --name first-client');
    expect(text).toContain('npx agenticai --env staging --region eu-west-1 alarms test');
    expect(text).toMatch(/keys create --name canary --canary --store-secret agenticai\/\w+\/canary-api-key/);
  });
});

describe('npm run diff/deploy selects the canary stacks of the other regions', () => {
  it('R11.5 passes the environment stack and each agenticai-<env>-canary-<region> stack to cdk', () => {
    // A stand-in `npx` on PATH records what the wrapper asks CDK to do.
    const bin = mkdtempSync(join(tmpdir(), 'agenticai-fake-npx-'));
    try {
      writeFileSync(join(bin, 'npx'), '#!/bin/sh\necho "npx $*"\n', { mode: 0o755 });
      const res = run(['diff', '--env', 'production'], {
        AGENTICAI_ACCOUNT_PRODUCTION: '123456789012',
        AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
        AGENTICAI_REGION: 'eu-west-1',
        PATH: `${bin}:${process.env.PATH}`,
      });
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(
        /^npx --no-install cdk diff agenticai-production agenticai-production-canary-eu-central-1 --no-notices$/m,
      );
      const staging = run(['diff', '--env', 'staging'], {
        AGENTICAI_ACCOUNT_STAGING: '123456789012',
        AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
        PATH: `${bin}:${process.env.PATH}`,
      });
      expect(staging.stdout).toMatch(/^npx --no-install cdk diff agenticai-staging --no-notices$/m);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('the CDK app itself (a bare `npx cdk deploy`)', () => {
  it('refuses missing accounts at synth, naming every variable to set', () => {
    const res = app();
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /set AGENTICAI_ACCOUNT_DEV, AGENTICAI_ACCOUNT_STAGING, AGENTICAI_ACCOUNT_PRODUCTION \(or AGENTICAI_ACCOUNT for every environment\)/,
    );
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses the placeholder account even when it is set explicitly', () => {
    const res = app({ AGENTICAI_ENVIRONMENTS: 'staging', AGENTICAI_ACCOUNT_STAGING: '000000000000' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/set AGENTICAI_ACCOUNT_STAGING /);
  });

  it('refuses an unknown environment in AGENTICAI_ENVIRONMENTS', () => {
    const res = app({ AGENTICAI_ENVIRONMENTS: 'staging,qa', AGENTICAI_ACCOUNT: '123456789012' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/AGENTICAI_ENVIRONMENTS: unknown environment qa/);
  });
});
