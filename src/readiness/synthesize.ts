import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnTemplate, concreteRegion, type StackTemplate } from './template-set.ts';

/**
 * Synthesizes the CDK app in-process (as `npm run synth` would, placeholders for unset accounts)
 * into a temporary directory and returns every stack's template. Function code is not bundled
 * (context `aws:cdk:bundling-stacks: []`): the checks read resources, not code, and bundling is
 * most of the time. Needs the dev dependency aws-cdk-lib; `--templates cdk.out` reads an
 * assembly synthesized elsewhere.
 */
export async function synthesizeTemplates(): Promise<StackTemplate[]> {
  let modules: [typeof import('../../infra/app.ts'), typeof import('../../infra/environments.ts')];
  try {
    modules = await Promise.all([import('../../infra/app.ts'), import('../../infra/environments.ts')]);
  } catch (error) {
    throw new Error(
      `cannot synthesize the CDK app here (${(error as Error).message}); install dev dependencies or pass --templates <cdk.out>`,
    );
  }
  const [{ buildApp }, { loadEnvironments }] = modules;
  const outdir = mkdtempSync(join(tmpdir(), 'agenticai-readiness-'));
  // The App reads extra context from CDK_CONTEXT_JSON (as the CDK CLI passes it).
  const previous = process.env.CDK_CONTEXT_JSON;
  process.env.CDK_CONTEXT_JSON = JSON.stringify({
    ...(previous ? JSON.parse(previous) : {}),
    'aws:cdk:bundling-stacks': [],
  });
  try {
    const assembly = buildApp(loadEnvironments(process.env, { offline: true }), { outdir }).app.synth();
    return assembly.stacks
      .map((s) => {
        const region = concreteRegion(s.environment.region);
        return { stackName: s.stackName, template: s.template as CfnTemplate, ...(region && { region }) };
      })
      .sort((a, b) => a.stackName.localeCompare(b.stackName));
  } finally {
    if (previous === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = previous;
    rmSync(outdir, { recursive: true, force: true });
  }
}
