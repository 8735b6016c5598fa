#!/usr/bin/env node
/**
 * Compiles the local entry points (the CLI and the server) once, so they start without compiling
 * TypeScript at run time. Runs from npm's `prepare` (so `npm ci` builds) and before the tests.
 * Packages stay external (node_modules is there at run time; native LevelDB cannot be bundled);
 * only our sources are bundled. dist/meta.json lists every source each output was built from, so
 * the launcher (bin/launch.mjs) can tell a stale build and fall back to compiling at run time.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
export const ENTRIES = { cli: 'src/entry/cli.ts', server: 'src/entry/server.ts' };

export async function buildDist() {
  const dist = join(root, 'dist');
  // Build into a fresh directory and swap it in, so a launcher never sees half-written output.
  const staging = join(root, `.dist-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // Taken before reading any source: a source saved during the build counts as newer.
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, src])),
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, resolve(root, p)));
  await writeFile(
    join(staging, 'meta.json'),
    `${JSON.stringify({ builtAt: startedAt, entries: ENTRIES, inputs }, null, 2)}\n`,
  );
  const old = join(root, `.dist-old-${process.pid}`);
  await rename(dist, old).catch(() => {});
  await rename(staging, dist);
  await rm(old, { recursive: true, force: true });
  return dist;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dist = await buildDist();
  process.stdout.write(
    `built ${relative(process.cwd(), dist) || dist}/ (${Object.keys(ENTRIES).join(', ')})\n`,
  );
}
