import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The layer rules of src/ (docs/ARCHITECTURE.md, "Layers"), as data: each layer lists the layers it
 * may import. Entry points sit on top, so nothing lists `entry`; the CLI sits above composition
 * because it opens its targets through it; composition wires everything below the CLI.
 */
export const LAYER_RULES: Record<string, readonly string[]> = {
  // Shared settings and names (config.ts, naming.ts, version.ts): leaves every layer may read.
  kernel: ['kernel', 'package.json'],
  domain: ['domain'],
  // The metric and alarm catalogs are pure data (names, dimensions, thresholds): the application
  // emits metrics by these names, so app may read them like domain.
  observability: ['observability', 'domain', 'kernel'],
  app: ['app', 'domain', 'observability', 'kernel'],
  // The DynamoDB client and table schema both deployments run on (AWS DynamoDB, or dynalite in
  // local mode): the base the aws and local families share, importing neither.
  'adapters/dynamodb': ['adapters/dynamodb'],
  'adapters/aws': ['adapters/aws', 'adapters/dynamodb', 'app', 'domain', 'observability', 'kernel'],
  'adapters/local': ['adapters/local', 'adapters/dynamodb', 'app', 'domain', 'observability', 'kernel'],
  http: ['http', 'app', 'domain', 'observability', 'kernel'],
  workers: ['workers', 'app', 'domain', 'observability', 'kernel'],
  notifier: ['notifier', 'app', 'domain', 'observability', 'kernel'],
  // The health-check canary: one script over an injected fetch, its Synthetics handler and the
  // local step runner (the CDK bundles the handler, the CLI runs the script).
  canary: ['canary', 'domain', 'kernel'],
  // Requirements, checks and docs generation: reads the synthesized CDK app.
  readiness: ['readiness', 'observability', 'domain', 'kernel', 'infra'],
  composition: [
    'composition',
    'adapters/dynamodb',
    'adapters/aws',
    'adapters/local',
    'http',
    'workers',
    'notifier',
    'app',
    'domain',
    'observability',
    'kernel',
  ],
  cli: [
    'cli',
    'composition',
    'canary',
    'notifier',
    'readiness',
    'app',
    'domain',
    'observability',
    'kernel',
    'infra',
  ],
  entry: [
    'composition',
    'adapters/dynamodb',
    'adapters/aws',
    'adapters/local',
    'cli',
    'http',
    'workers',
    'notifier',
    'app',
    'domain',
    'observability',
    'kernel',
  ],
};

/**
 * Packages the domain may use besides its own modules: validation (zod), ids (ulid), and
 * hashing/checksums from Node (pure computation, no I/O).
 */
export const DOMAIN_PACKAGES: readonly string[] = [
  'zod',
  'zod/mini',
  'zod/v4/locales/en.js',
  'ulid',
  'node:crypto',
  'node:zlib',
];

/** An import edge: `from` and `to` are repository-relative paths, or a package name for `to`. */
export interface ImportEdge {
  from: string;
  to: string;
  /** True when `to` is a package (not a file in the repository). */
  external: boolean;
}

/** The layer of a repository-relative path (`src/adapters/aws/x.ts` → `adapters/aws`). */
export function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'infra') return 'infra';
  if (parts[0] !== 'src') return parts.join('/');
  if (parts.length === 2) return 'kernel';
  if (parts[1] === 'adapters') return `adapters/${parts[2]}`;
  return parts[1]!;
}

/** Every import of every .ts file under `root/src` (static, `export … from`, type-only and dynamic). */
export function scanImports(root: string): ImportEdge[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(join(root, 'src'));
  const edges: ImportEdge[] = [];
  for (const file of files.sort()) {
    const from = relative(root, file);
    // preProcessFile lists import/export declarations, `import()` calls and triple-slash references.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.')) {
        edges.push({ from, to: relative(root, resolve(dirname(file), fileName)), external: false });
      } else {
        edges.push({ from, to: fileName, external: true });
      }
    }
  }
  return edges;
}

/** Import edges that break LAYER_RULES or DOMAIN_PACKAGES, one readable line each. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    if (edge.external) {
      if (from === 'domain' && !DOMAIN_PACKAGES.includes(edge.to)) {
        out.push(
          `${edge.from} imports the package ${edge.to}: the domain may use only ${DOMAIN_PACKAGES.join(', ')}`,
        );
      }
      // The catalogs app may read stay pure data: no package at all.
      if (from === 'observability')
        out.push(`${edge.from} imports the package ${edge.to}: the catalogs use none`);
      continue;
    }
    const allowed = LAYER_RULES[from];
    const to = layerOf(edge.to);
    if (!allowed) out.push(`${edge.from} is in no known layer (${from}): add it to LAYER_RULES`);
    else if (!allowed.includes(to)) out.push(`${edge.from} (${from}) imports ${edge.to} (${to})`);
  }
  return out;
}

/** Import cycles among the files, each as a path `a → b → … → a`; empty exactly when there is none. */
export function importCycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const { from, to, external } of edges) {
    if (external) continue;
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const target of next.get(node) ?? []) {
      const seen = state.get(target);
      if (seen === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].join(' → '));
      else if (!seen) visit(target);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
