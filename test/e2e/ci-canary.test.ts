import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CanaryResult } from '../../src/canary/health-check.ts';
import { runNode } from '../support/server-process.ts';

/** Runs scripts/ci-canary.mjs exactly as the CI step does. */
const runScript = () =>
  runNode(['scripts/ci-canary.mjs'], {
    env: { ...process.env, AGENTICAI_CANARY_KEY: 'agk_not_the_one_it_creates' },
  });

describe('CI canary step (scripts/ci-canary.mjs, run by .github/workflows/ci.yml after the tests)', () => {
  it('R11.3 R11.1 starts npm start with a temp data dir, creates a canary key, runs canary run --json against it and stops the server', async () => {
    const run = await runScript();
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as CanaryResult;
    expect(result.ok).toBe(true);
    expect(result.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
    expect(result.steps.map((s) => [s.step, s.ok, s.status])).toEqual([
      ['health', true, 200],
      ['create-project', true, 202],
      ['read-project', true, 200],
    ]);
    expect(run.stderr).toMatch(/ci-canary: local server up at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stderr).toContain('ci-canary: canary passed');
    // The server is stopped: its port refuses connections. Its temporary data directory is gone.
    await expect(fetch(new URL('health', result.endpoint))).rejects.toThrow();
    const dataDir = /data directory (\S+)/.exec(run.stderr)?.[1];
    expect(dataDir).toMatch(/agenticai-ci-canary-/);
    expect(existsSync(dataDir!)).toBe(false);
  }, 180_000);
});
