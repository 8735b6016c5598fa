import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentBuild } from '../../bin/launch.mjs';

// The launcher must never run stale output: it uses dist/ only when no source it was built from
// changed after the build started. Times are set explicitly, never read from the clock.
let root: string;
const builtAt = Date.parse('2026-11-23T10:00:00Z');
const at = (iso: string) => new Date(iso);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'agenticai-launch-'));
  await mkdir(join(root, 'dist'));
  await mkdir(join(root, 'src'));
  for (const file of ['src/a.ts', 'src/b.ts']) {
    await writeFile(join(root, file), '');
    await utimes(join(root, file), at('2026-11-23T09:00:00Z'), at('2026-11-23T09:00:00Z'));
  }
  await writeFile(
    join(root, 'dist/meta.json'),
    JSON.stringify({ builtAt, entries: { cli: 'src/a.ts' }, inputs: ['src/a.ts', 'src/b.ts'] }),
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('bin/launch.mjs chooses the build only when it is current', () => {
  it('uses dist/ when every source is older than the build', () => {
    expect(currentBuild('cli', root)).toBe(join(root, 'dist/cli.mjs'));
  });

  it('falls back when any source changed after the build started', async () => {
    await utimes(join(root, 'src/b.ts'), at('2026-11-23T10:00:01Z'), at('2026-11-23T10:00:01Z'));
    expect(currentBuild('cli', root)).toBeUndefined();
  });

  it('falls back when a source it was built from is gone, or there is no build, or no such entry', async () => {
    expect(currentBuild('server', root)).toBeUndefined();
    await rm(join(root, 'src/b.ts'));
    expect(currentBuild('cli', root)).toBeUndefined();
    await rm(join(root, 'dist'), { recursive: true });
    expect(currentBuild('cli', root)).toBeUndefined();
  });

  it('AGENTICAI_NO_BUILD=1 always compiles at run time', () => {
    process.env.AGENTICAI_NO_BUILD = '1';
    try {
      expect(currentBuild('cli', root)).toBeUndefined();
    } finally {
      delete process.env.AGENTICAI_NO_BUILD;
    }
  });
});
