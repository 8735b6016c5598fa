import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server-process.ts';
import { type AssemblyStack, deployOrder, synthesizeFromEnv } from './synth.ts';

/** The `export` lines of one "### Scenario N" section of docs/DEPLOYMENT.md, exactly as documented. */
function documentedExports(scenario: number): Record<string, string> {
  const doc = readFileSync(join(ROOT, 'docs/DEPLOYMENT.md'), 'utf8');
  const section = doc.split(/^### /m).find((s) => s.startsWith(`Scenario ${scenario}:`));
  if (!section) throw new Error(`docs/DEPLOYMENT.md has no "### Scenario ${scenario}:" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  const env: Record<string, string> = {};
  for (const line of block.split('\n').filter((l) => l.startsWith('export '))) {
    for (const pair of line.slice('export '.length).trim().split(/\s+/)) {
      const [key, value] = pair.split('=') as [string, string];
      env[key] = value;
    }
  }
  return env;
}

const stack = (id: string, stackName: string, account: string, region: string, dependencies: string[] = []) =>
  ({ id, stackName, account, region, dependencies: dependencies.sort() }) satisfies AssemblyStack;

function check(scenario: number, expected: AssemblyStack[]) {
  const env = documentedExports(scenario);
  const synth = synthesizeFromEnv(env);
  try {
    expect(synth.synthError).toBeUndefined();
    expect(synth.violations()).toEqual([]);
    const byId = (a: AssemblyStack, b: AssemblyStack) => a.id.localeCompare(b.id);
    expect([...synth.stacks].sort(byId)).toEqual([...expected].sort(byId));
    // Every environment deploys after the account and region stacks it needs.
    const order = deployOrder(synth.stacks);
    for (const s of synth.stacks)
      for (const dep of s.dependencies) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(s.id));
    return synth;
  } finally {
    synth.cleanup();
  }
}

describe('docs/DEPLOYMENT.md scenarios synthesize as documented (issue 11)', () => {
  it('scenario 1: one account, one region — account and region stacks in us-east-1 before the three environments', () => {
    const env = ['agenticai-account', 'agenticai-region-us-east-1'];
    check(1, [
      stack('agenticai-account', 'agenticai-account', '111111111111', 'us-east-1'),
      stack('agenticai-region-us-east-1', 'agenticai-region', '111111111111', 'us-east-1'),
      stack('agenticai-dev', 'agenticai-dev', '111111111111', 'us-east-1', env),
      stack('agenticai-staging', 'agenticai-staging', '111111111111', 'us-east-1', [...env]),
      stack('agenticai-production', 'agenticai-production', '111111111111', 'us-east-1', [...env]),
      // R11.5: production's second canary region, after the stack it reads from.
      stack(
        'agenticai-production-canary-us-west-2',
        'agenticai-production-canary-us-west-2',
        '111111111111',
        'us-west-2',
        ['agenticai-production'],
      ),
    ]);
  }, 120_000);

  it('scenario 2: one account per environment — each account gets its own account and region stacks', () => {
    const accounts = { dev: '111111111111', staging: '222222222222', production: '333333333333' };
    check(
      2,
      Object.entries(accounts).flatMap(([name, account]) => [
        stack(`agenticai-account-${account}`, 'agenticai-account', account, 'us-east-1'),
        stack(`agenticai-region-${account}-us-east-1`, 'agenticai-region', account, 'us-east-1'),
        stack(`agenticai-${name}`, `agenticai-${name}`, account, 'us-east-1', [
          `agenticai-account-${account}`,
          `agenticai-region-${account}-us-east-1`,
        ]),
        ...(name === 'production'
          ? [
              stack(
                'agenticai-production-canary-us-west-2',
                'agenticai-production-canary-us-west-2',
                account,
                'us-west-2',
                ['agenticai-production'],
              ),
            ]
          : []),
      ]),
    );
  }, 120_000);

  it('scenario 3: eu-west-1, staging first — cost controls in us-east-1, the CloudWatch role and the environment in eu-west-1', () => {
    const synth = check(3, [
      stack('agenticai-account', 'agenticai-account', '222222222222', 'us-east-1'),
      stack('agenticai-region-eu-west-1', 'agenticai-region', '222222222222', 'eu-west-1'),
      stack('agenticai-staging', 'agenticai-staging', '222222222222', 'eu-west-1', [
        'agenticai-account',
        'agenticai-region-eu-west-1',
      ]),
    ]);
    const staging = synth.templates['agenticai-staging']!.toJSON().Resources as Record<string, any>;
    const worker = Object.values(staging).find(
      (r) => r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'agenticai-worker',
    );
    expect(worker.Properties.Environment.Variables.BEDROCK_MODEL_ID).toMatch(/^eu\.anthropic\.claude-/);
    // Outside us-east-1 the region stack holds no cost-explorer resources (they would fail there).
    synth.templates['agenticai-region-eu-west-1']!.resourceCountIs('AWS::CE::AnomalyMonitor', 0);
    synth.templates['agenticai-account']!.resourceCountIs('AWS::CE::AnomalyMonitor', 1);
  }, 120_000);
});
