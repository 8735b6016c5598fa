import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up to this package's package.json: infra modules run both
 * from their sources and bundled into dist/ (the CLI's `readiness` synthesizes in-process), so a
 * path relative to one module's own location is wrong in one of the two.
 */
export function repositoryRoot(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'agenticai'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no agenticai package.json above ${from}`);
  }
}
