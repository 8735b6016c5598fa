import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from '../support/server-process.ts';

// The compiled CLI synthesizes the CDK app in-process: every path the infra code reads (Lambda
// entries, the lock file, the canary script, cdk.json) must resolve from the repository, not from
// the module's own location (dist/ in the build) or the working directory.
describe('agenticai readiness through the real binary', () => {
  it('synthesizes and checks production from any working directory', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'agenticai-readiness-cwd-'));
    try {
      const result = await runNode(
        [join(ROOT, 'bin/agenticai.mjs'), 'readiness', '--env', 'production', '--format', 'json'],
        { cwd },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as {
        env: string;
        requirements: { id: string; status: string }[];
      };
      expect(report.env).toBe('production');
      expect(report.requirements.find((r) => r.id === 'R7.1')?.status).toBe('pass');
      expect(report.requirements.some((r) => r.status === 'fail')).toBe(false);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
