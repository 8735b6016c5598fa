import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/adapters/local/file-artifact-store.ts';
import { isDependencyFailure } from '../../src/app/dependency-failure.ts';

const root = await mkdtemp(join(tmpdir(), 'agenticai-artifacts-'));
/** A real 1 MiB file system; mounting one needs root (CI runs as root). */
const mounted = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', root], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', root]);
  await rm(root, { recursive: true, force: true });
});

describe('local artifact store on a full disk (issue 19)', () => {
  it.skipIf(!mounted)(
    `a write that does not fit fails with a dependency error and leaves nothing half-written; the old version survives${
      mounted ? '' : ' (skipped: mounting a small tmpfs needs root with CAP_SYS_ADMIN)'
    }`,
    async () => {
      const store = new FileArtifactStore(root);
      const tooBig = Buffer.alloc(2 * 1024 * 1024, 'x');
      const error = await store.write('c1', 'p1', 'dev', 'main.ts', tooBig).catch((e: unknown) => e);
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      expect(isDependencyFailure(error)).toBe(true);
      expect(await store.list('c1', 'p1')).toEqual([]);
      expect(await readdir(join(root, 'projects', 'c1', 'p1', 'dev'))).toEqual([]);

      await store.write('c1', 'p1', 'dev', 'main.ts', 'version 1\n');
      await expect(store.write('c1', 'p1', 'dev', 'main.ts', tooBig)).rejects.toMatchObject({
        code: 'ENOSPC',
      });
      expect((await store.read('c1', 'p1', 'main.ts'))?.body.toString()).toBe('version 1\n');
      expect(await readdir(join(root, 'projects', 'c1', 'p1', 'dev'))).toEqual(['main.ts']);
    },
  );
});
