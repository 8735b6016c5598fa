import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server-process.ts';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'infra/bin/cdk-env.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, AGENTICAI_ACCOUNT_STAGING: '', ...env },
    encoding: 'utf8',
  });

describe('npm run deploy / diff wrapper', () => {
  it('needs a known --env (exit 2 with usage)', () => {
    for (const args of [['deploy'], ['deploy', '--env', 'qa'], ['destroy', '--env', 'dev']]) {
      const res = run(args);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/usage: npm run .* -- --env dev\|staging\|production/);
    }
  });

  it('refuses to deploy to the placeholder account', () => {
    const res = run(['deploy', '--env', 'staging']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/set AGENTICAI_ACCOUNT_STAGING/);
  });

  it('rejects an invalid account id before anything runs, naming the field', () => {
    const res = run(['diff', '--env', 'staging'], { AGENTICAI_ACCOUNT_STAGING: '12345' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/environment staging: account: must be a 12-digit AWS account id/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
