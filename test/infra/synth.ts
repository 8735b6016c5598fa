import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';
import { loadEnvironments, loadGithub } from '../../infra/environments.ts';

/**
 * Bundling the functions is tested once per run (test/infra/stacks.test.ts bundles for real);
 * every other synthesis skips it through CDK's own switch (`cdk deploy` sets the same context to
 * the stacks it deploys), so it checks the same templates without re-running esbuild.
 */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** What the CDK CLI reads from a cloud assembly: each stack's environment and dependencies. */
export interface AssemblyStack {
  id: string;
  stackName: string;
  account: string;
  region: string;
  dependencies: string[];
}

/**
 * Synthesizes the app from environment variables exactly as `infra/bin/agenticai.ts` does and
 * returns the stacks as the CLI sees them (manifest.json), the templates and the validation report.
 */
export function synthesizeFromEnv(env: Record<string, string>, opts: { bundle?: boolean } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'agenticai-cdk-'));
  const built = buildApp(loadEnvironments(env), {
    outdir,
    context: opts.bundle ? {} : NO_BUNDLING,
    github: loadGithub(env),
  });
  let synthError: unknown;
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
  const all = [...built.accounts, ...built.regions, ...built.stacks, ...built.canaries, ...built.cicd];
  const templates: Record<string, Template> = {};
  for (const stack of all) templates[stack.artifactId] = Template.fromStack(stack);
  const read = (file: string) => JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  const manifest = synthError ? { artifacts: {} } : read('manifest.json');
  const stacks: AssemblyStack[] = Object.entries(
    manifest.artifacts as Record<
      string,
      { type: string; environment: string; dependencies?: string[]; properties: { stackName?: string } }
    >,
  )
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]) => {
      const [, account, region] = /^aws:\/\/(\d{12})\/([a-z0-9-]+)$/.exec(a.environment) ?? [];
      return {
        id,
        stackName: a.properties.stackName ?? id,
        account: account!,
        region: region!,
        // Asset manifests are dependencies too; the order that matters is between stacks.
        dependencies: (a.dependencies ?? []).filter((d) => !d.endsWith('.assets')).sort(),
      };
    });
  return {
    built,
    outdir,
    synthError,
    templates,
    stacks,
    violations: () =>
      (
        read('validation-report.json') as { pluginReports: { violations?: unknown[] }[] }
      ).pluginReports.flatMap((r) => r.violations ?? []),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Stacks in an order the CLI may deploy them: every stack after its dependencies. */
export function deployOrder(stacks: AssemblyStack[]): string[] {
  const done: string[] = [];
  const visit = (id: string) => {
    if (done.includes(id)) return;
    for (const dep of stacks.find((s) => s.id === id)!.dependencies) visit(dep);
    done.push(id);
  };
  for (const s of stacks) visit(s.id);
  return done;
}
