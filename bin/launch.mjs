/**
 * Starts a local entry point from its compiled build (dist/, made by scripts/build.mjs at
 * `npm ci` through `prepare`, and before the tests) when that build is current; otherwise compiles
 * the TypeScript sources at run time with tsx. A build is current when it exists and none of the
 * sources it was built from changed after it started, so stale output never runs.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(import.meta.dirname, '..');

/**
 * The compiled file for `name` if it is current, else undefined. AGENTICAI_NO_BUILD=1 always
 * compiles at run time (bench:cli compares the two).
 */
export function currentBuild(name, root = repoRoot) {
  if (process.env.AGENTICAI_NO_BUILD === '1') return undefined;
  try {
    const dist = join(root, 'dist');
    const meta = JSON.parse(readFileSync(join(dist, 'meta.json'), 'utf8'));
    if (!meta.entries?.[name]) return undefined;
    for (const input of meta.inputs) {
      if (statSync(join(root, input)).mtimeMs > meta.builtAt) return undefined;
    }
    return join(dist, `${name}.mjs`);
  } catch {
    // No build, or a source it lists is gone: compile at run time instead.
    return undefined;
  }
}

export async function launch(name, source) {
  const built = currentBuild(name);
  if (built) {
    await import(pathToFileURL(built).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(repoRoot, source)).href);
}
