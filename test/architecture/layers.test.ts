import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, importCycles, layerViolations, scanImports } from '../support/layers.ts';

const root = resolve(import.meta.dirname, '../..');
const edge = (from: string, to: string, external = false): ImportEdge => ({ from, to, external });

describe('layers of src/ (docs/ARCHITECTURE.md)', () => {
  const edges = scanImports(root);

  it('sees the imports: static, type-only and dynamic', () => {
    // A scan that found nothing would pass every rule below.
    expect(edges).toContainEqual(edge('src/entry/cli.ts', 'src/cli/program.ts'));
    expect(edges).toContainEqual(edge('src/cli/commands/keys.ts', 'src/composition/admin-target.ts'));
    expect(edges).toContainEqual(edge('src/app/ports.ts', 'src/observability/metrics.ts'));
  });

  it('every import follows the layer rules (domain pure, adapters within their family, nothing imports an entry point)', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(edges)).toEqual([]);
  });
});

describe('the layer checker', () => {
  it('reports an import that crosses a layer, and a package the domain may not use', () => {
    expect(
      layerViolations([
        edge('src/domain/project.ts', 'zod', true),
        edge('src/adapters/aws/s3.ts', 'src/adapters/local/file.ts'),
        edge('src/http/app.ts', 'src/composition/http.ts'),
        edge('src/composition/local.ts', 'src/entry/server.ts'),
        edge('src/domain/ids.ts', 'node:fs', true),
        edge('src/observability/metrics.ts', '@aws-sdk/client-cloudwatch', true),
        edge('src/app/pipeline.ts', 'src/domain/project.ts'),
      ]),
    ).toEqual([
      'src/adapters/aws/s3.ts (adapters/aws) imports src/adapters/local/file.ts (adapters/local)',
      'src/http/app.ts (http) imports src/composition/http.ts (composition)',
      'src/composition/local.ts (composition) imports src/entry/server.ts (entry)',
      'src/domain/ids.ts imports the package node:fs: the domain may use only zod, zod/mini, zod/v4/locales/en.js, ulid, node:crypto, node:zlib',
      'src/observability/metrics.ts imports the package @aws-sdk/client-cloudwatch: the catalogs use none',
    ]);
  });

  it('reports a cycle with its path, and none in a graph without one', () => {
    expect(
      importCycles([
        edge('src/cli/program.ts', 'src/cli/commands/keys.ts'),
        edge('src/cli/commands/keys.ts', 'src/cli/run.ts'),
        edge('src/cli/run.ts', 'src/cli/program.ts'),
        edge('src/cli/run.ts', 'src/cli/output.ts'),
      ]),
    ).toEqual(['src/cli/commands/keys.ts → src/cli/run.ts → src/cli/program.ts → src/cli/commands/keys.ts']);
    expect(importCycles([edge('src/a.ts', 'src/b.ts'), edge('src/c.ts', 'src/b.ts')])).toEqual([]);
  });
});
