import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CodeDeployClient,
  ListDeploymentGroupsCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { resourceNames } from '../../src/naming.ts';
import { SERVICES } from '../../src/observability/metrics.ts';
import { captureOutput } from '../support/capture-output.ts';
import { serveOverHttp, startTestRuntime, type TestRuntime } from '../support/local-app.ts';
import { runCli as runBinary } from '../support/server-process.ts';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const codedeploy = mockClient(CodeDeployClient);
const secrets = mockClient(SecretsManagerClient);

const ENV = 'staging';
const names = resourceNames(ENV);
const LABELS = ['api', 'worker', 'sweeper', 'notifier'] as const;
type Label = (typeof LABELS)[number];
const fnName = (label: Label) =>
  `${names.stack}-${label[0]!.toUpperCase()}${label.slice(1)}Function1A2B3C4D-x9Y8z7`;

/**
 * Lambda as the rollback sees it, in memory: each function's published versions and its `live`
 * alias. The mocks answer as Lambda does: versions oldest first, `$LATEST` listed first, at most
 * 50 per page with a marker; UpdateAlias checks the revision and changes it; GetAlias reads back.
 */
interface FakeFunction {
  versions: number;
  alias: { version: string; weights?: Record<string, number>; revision: number };
}
let fns: Record<Label, FakeFunction>;

function installLambda() {
  const byName = (name: string) => {
    const label = LABELS.find((l) => fnName(l) === name);
    if (!label)
      throw Object.assign(new Error(`Function not found: ${name}`), { name: 'ResourceNotFoundException' });
    return { label, fn: fns[label] };
  };
  const aliasOut = (name: string, fn: FakeFunction) => ({
    AliasArn: `arn:aws:lambda:eu-west-1:111111111111:function:${name}:live`,
    Name: 'live',
    FunctionVersion: fn.alias.version,
    RevisionId: `rev-${fn.alias.revision}`,
    ...(fn.alias.weights && Object.keys(fn.alias.weights).length > 0
      ? { RoutingConfig: { AdditionalVersionWeights: fn.alias.weights } }
      : {}),
  });
  lambda.on(ListVersionsByFunctionCommand).callsFake((input) => {
    const { label, fn } = byName(input.FunctionName);
    const all = ['$LATEST', ...Array.from({ length: fn.versions }, (_, i) => String(i + 1))];
    const start = input.Marker ? Number(input.Marker) : 0;
    const page = all.slice(start, start + Math.min(input.MaxItems ?? 50, 50));
    const next = start + page.length;
    return {
      Versions: page.map((Version) => ({
        FunctionName: input.FunctionName,
        Version,
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: SERVICES[label] } },
      })),
      ...(next < all.length && { NextMarker: String(next) }),
    };
  });
  lambda
    .on(GetAliasCommand)
    .callsFake((input) => aliasOut(input.FunctionName, byName(input.FunctionName).fn));
  lambda.on(UpdateAliasCommand).callsFake((input) => {
    const { fn } = byName(input.FunctionName);
    if (input.RevisionId && input.RevisionId !== `rev-${fn.alias.revision}`)
      throw Object.assign(new Error('The RevisionId provided does not match the latest RevisionId'), {
        name: 'PreconditionFailedException',
      });
    fn.alias = {
      version: input.FunctionVersion ?? fn.alias.version,
      weights: input.RoutingConfig?.AdditionalVersionWeights ?? fn.alias.weights,
      revision: fn.alias.revision + 1,
    };
    return aliasOut(input.FunctionName, fn);
  });
}

/** The stack's resources over two pages, aliases among other resources (CDK helper functions' too). */
function installStack() {
  const alias = (label: Label) => ({
    LogicalResourceId: `${label}Live1234ABCD`,
    PhysicalResourceId: `arn:aws:lambda:eu-west-1:111111111111:function:${fnName(label)}:live`,
    ResourceType: 'AWS::Lambda::Alias',
    LastUpdatedTimestamp: new Date(0),
    ResourceStatus: 'UPDATE_COMPLETE' as const,
  });
  cfn
    .on(ListStackResourcesCommand, { StackName: names.stack, NextToken: undefined })
    .resolves({
      StackResourceSummaries: [
        alias('api'),
        alias('worker'),
        {
          LogicalResourceId: 'ApiFunction1A2B3C4D',
          PhysicalResourceId: fnName('api'),
          ResourceType: 'AWS::Lambda::Function',
          LastUpdatedTimestamp: new Date(0),
          ResourceStatus: 'UPDATE_COMPLETE',
        },
      ],
      NextToken: 'page2',
    })
    .on(ListStackResourcesCommand, { StackName: names.stack, NextToken: 'page2' })
    .resolves({ StackResourceSummaries: [alias('sweeper'), alias('notifier')] });
}

function installCodeDeploy(inProgress: Record<string, string[]> = {}) {
  codedeploy
    .on(ListDeploymentGroupsCommand, { applicationName: names.deployments })
    .resolves({ applicationName: names.deployments, deploymentGroups: LABELS.map(names.deploymentGroup) });
  codedeploy
    .on(ListDeploymentsCommand)
    .callsFake((input) => ({ deployments: inProgress[input.deploymentGroupName] ?? [] }));
}

const output = captureOutput();
const cli = async (...args: string[]) => {
  // Each call's own output (a test may run the command twice).
  output.stdout = '';
  output.stderr = '';
  const code = await runCli(['--env', ENV, '--region', 'eu-west-1', 'rollback', ...args]);
  return { code, stdout: output.stdout, stderr: output.stderr };
};
const updates = () => lambda.commandCalls(UpdateAliasCommand).map((c) => c.args[0].input);

beforeEach(() => {
  for (const m of [cfn, lambda, codedeploy, secrets]) m.reset();
  fns = {
    api: { versions: 7, alias: { version: '7', revision: 1 } },
    worker: { versions: 7, alias: { version: '7', revision: 1 } },
    sweeper: { versions: 5, alias: { version: '5', revision: 1 } },
    notifier: { versions: 3, alias: { version: '3', revision: 1 } },
  };
  installLambda();
  installStack();
  installCodeDeploy();
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('R12.5 agenticai rollback --env', () => {
  it('R12.5 --dry-run prints each function, the version live serves and the one it would serve; nothing changes', async () => {
    const run = await cli('--dry-run', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ dryRun: true, env: ENV, stack: names.stack });
    expect(
      plan.functions.map((f: { label: string; from: string; to: string }) => [f.label, f.from, f.to]),
    ).toEqual([
      ['api', '7', '6'],
      ['notifier', '3', '2'],
      ['sweeper', '5', '4'],
      ['worker', '7', '6'],
    ]);
    expect(updates()).toEqual([]);
    const human = await cli('--dry-run');
    expect(human.stdout).toContain('dry run, nothing changed');
    expect(human.stdout).toContain(fnName('worker'));
  });

  it('R12.5 moves every live alias to its previous version in one step, reads each back, prints the time taken', async () => {
    const run = await cli('--no-canary', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      ok: true,
      moved: ['api', 'notifier', 'sweeper', 'worker'],
      failed: [],
      canary: null,
    });
    expect(result.flipSeconds).toEqual(expect.any(Number));
    expect(Object.fromEntries(LABELS.map((l) => [l, fns[l].alias.version]))).toEqual({
      api: '6',
      worker: '6',
      sweeper: '4',
      notifier: '2',
    });
    // Each update names the revision the plan read and clears any routing weights.
    expect(updates()).toContainEqual({
      FunctionName: fnName('api'),
      Name: 'live',
      FunctionVersion: '6',
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: 'rev-1',
    });
    // Read back after the update: two GetAlias per function (plan, verification).
    expect(lambda.commandCalls(GetAliasCommand)).toHaveLength(8);
    const human = await cli('--no-canary', '--to', 'api=7,worker=7,sweeper=5,notifier=3');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Rolled back staging in \d+(\.\d)? s/);
  });

  it('R12.5 R11.3 runs the canary against the environment after the flip, and fails when the canary fails', async () => {
    const rt: TestRuntime = await startTestRuntime();
    const http = await serveOverHttp(rt);
    const { key: canaryKey } = await rt.keyAdmin.createKey({ name: 'canary', canary: true });
    try {
      cfn.on(DescribeStacksCommand, { StackName: names.stack }).resolves({
        Stacks: [
          {
            StackName: names.stack,
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: new Date(0),
            Outputs: [{ OutputKey: names.apiUrlOutput, OutputValue: `${http.url}/` }],
          },
        ],
      });
      secrets
        .on(GetSecretValueCommand, { SecretId: names.canaryKeySecret })
        .resolves({ SecretString: canaryKey });
      const run = await cli('--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.canary.ok).toBe(true);
      expect(result.canary.steps.map((s: { step: string }) => s.step)).toEqual([
        'health',
        'create-project',
        'read-project',
      ]);
      expect(result.totalSeconds).toBeGreaterThanOrEqual(result.flipSeconds);

      // A revoked canary key: the aliases move, the canary fails, the command says so (exit 1).
      secrets.on(GetSecretValueCommand).resolves({ SecretString: 'agk_01JNOTAKEY_00000000000000000000' });
      const failed = await cli();
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/the aliases of staging moved, but the canary failed at step health/);
    } finally {
      await http.close();
      await rt.close();
    }
  });

  it('R12.5 refuses when a function has no earlier published version, and changes nothing', async () => {
    fns.notifier = { versions: 1, alias: { version: '1', revision: 1 } };
    const run = await cli();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `notifier (${fnName('notifier')}) serves version 1 and has no earlier published version`,
    );
    expect(updates()).toEqual([]);
  });

  it('R12.5 refuses while a CodeDeploy deployment is unfinished, naming it and how to stop it', async () => {
    installCodeDeploy({ [names.deploymentGroup('api')]: ['d-ABCDEFGH1'] });
    fns.api.alias = { version: '6', weights: { '7': 0.1 }, revision: 3 };
    const run = await cli('--dry-run');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('d-ABCDEFGH1 (agenticai-staging-api)');
    expect(run.stderr).toContain(
      'aws deploy stop-deployment --auto-rollback-enabled --deployment-id d-ABCDEFGH1',
    );
    // ListDeployments takes an application only with a group: one call per group, unfinished statuses only.
    const calls = codedeploy.commandCalls(ListDeploymentsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.deploymentGroupName).sort()).toEqual(LABELS.map(names.deploymentGroup).sort());
    for (const call of calls) {
      expect(call.applicationName).toBe(names.deployments);
      expect(call.includeOnlyStatuses).toEqual(['Created', 'Queued', 'InProgress', 'Baking', 'Ready']);
    }
    expect(updates()).toEqual([]);
  });

  it('R12.5 a canary left half-shifted (weights, no deployment running) goes back to the version before the new one, weights cleared', async () => {
    fns.api.alias = { version: '6', weights: { '7': 0.1 }, revision: 3 };
    const run = await cli('--no-canary', '--json');
    expect(run.code).toBe(0);
    expect(fns.api.alias).toEqual({ version: '6', weights: {}, revision: 4 });
    const plan = JSON.parse(run.stdout).functions.find((f: { label: string }) => f.label === 'api');
    expect(plan).toMatchObject({ from: '6', weights: { '7': 0.1 }, to: '6', unchanged: false });
  });

  it('R12.5 --to a version that does not exist, or not a version at all, is a usage error (exit 2)', async () => {
    const missing = await cli('--to', '6');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `--to 6: notifier (${fnName('notifier')}) has no published version 6 (published: 1, 2, 3)`,
    );
    const unknown = await cli('--to', 'api=5,billing=2');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--to names billing, not a function of staging');
    for (const bad of ['$LATEST', 'latest', 'api=', '0']) {
      const run = await cli('--to', bad);
      expect(run.code, bad).toBe(2);
      expect(run.stderr, bad).toContain('--to must be a published version number');
    }
    expect(updates()).toEqual([]);
  });

  it('R12.5 `live` on $LATEST has no "previous version": refused unless --to names one', async () => {
    fns.sweeper.alias = { version: '$LATEST', revision: 1 };
    const refused = await cli('--dry-run');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('live points at $LATEST (unpublished code)');
    const named = await cli('--dry-run', '--json', '--to', 'sweeper=5');
    expect(named.code).toBe(0);
    const plan = JSON.parse(named.stdout).functions;
    expect(plan.find((f: { label: string }) => f.label === 'sweeper')).toMatchObject({
      from: '$LATEST',
      to: '5',
    });
    // The functions --to does not name stay as they are.
    expect(plan.filter((f: { unchanged: boolean }) => f.unchanged)).toHaveLength(3);
  });

  it('R12.5 partial failure: says which functions moved and which did not, and the command that finishes', async () => {
    lambda.on(UpdateAliasCommand, { FunctionName: fnName('worker') }).rejects(
      Object.assign(new Error('The operation cannot be performed at this time.'), {
        name: 'ResourceConflictException',
      }),
    );
    const run = await cli('--no-canary');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Rollback of staging INCOMPLETE');
    expect(run.stdout).toContain('Moved: api 7 → 6; notifier 3 → 2; sweeper 5 → 4');
    expect(run.stdout).toContain(`NOT moved: worker (${fnName('worker')}): ResourceConflictException`);
    expect(run.stderr).toContain('worker did not move (the moved functions stay moved)');
    expect(run.stderr).toContain('finish with: agenticai --env staging rollback --to worker=6');
    expect(fns.worker.alias.version).toBe('7');
    expect(fns.api.alias.version).toBe('6');

    // The printed command finishes it, and leaves the moved functions where they are.
    lambda.reset();
    installLambda();
    const finish = await cli('--no-canary', '--to', 'worker=6');
    expect(finish.code).toBe(0);
    expect(Object.fromEntries(LABELS.map((l) => [l, fns[l].alias.version]))).toEqual({
      api: '6',
      worker: '6',
      sweeper: '4',
      notifier: '2',
    });
    expect(updates().map((u) => u.FunctionName)).toEqual([fnName('worker')]);
  });

  it('R12.5 an alias changed since the plan (revision mismatch) is reported, not overwritten', async () => {
    lambda.on(UpdateAliasCommand, { FunctionName: fnName('api') }).rejects(
      Object.assign(new Error('The RevisionId provided does not match the latest RevisionId'), {
        name: 'PreconditionFailedException',
      }),
    );
    const run = await cli('--no-canary');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT moved: api');
    expect(run.stdout).toContain('live changed since the plan');
  });

  it('R12.5 a throttled UpdateAlias is retried until it goes through', async () => {
    let throttled = 0;
    const move = lambda.on(UpdateAliasCommand, { FunctionName: fnName('sweeper') });
    move.callsFake(() => {
      throttled++;
      if (throttled <= 2)
        throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      fns.sweeper.alias = { version: '4', weights: {}, revision: 2 };
      return { FunctionVersion: '4' };
    });
    const run = await cli('--no-canary');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(throttled).toBe(3);
    expect(fns.sweeper.alias.version).toBe('4');
  });

  it('R12.5 pages through ListVersionsByFunction (oldest first, 50 a page, $LATEST skipped)', async () => {
    fns.api = { versions: 123, alias: { version: '123', revision: 1 } };
    fns.worker = { versions: 60, alias: { version: '49', revision: 1 } };
    const run = await cli('--dry-run', '--json');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout).functions;
    expect(plan.find((f: { label: string }) => f.label === 'api')).toMatchObject({ from: '123', to: '122' });
    expect(plan.find((f: { label: string }) => f.label === 'worker')).toMatchObject({ from: '49', to: '48' });
    const apiPages = lambda
      .commandCalls(ListVersionsByFunctionCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.FunctionName === fnName('api'));
    expect(apiPages.map((p) => p.Marker)).toEqual([undefined, '50', '100']);
    // --to reaches a version on the last page.
    const to = await cli('--dry-run', '--json', '--to', 'api=101');
    expect(JSON.parse(to.stdout).functions.find((f: { label: string }) => f.label === 'api').to).toBe('101');
  });

  it('R12.5 an environment deployed before CodeDeploy (no application) still rolls back', async () => {
    codedeploy.reset();
    codedeploy.on(ListDeploymentGroupsCommand).rejects(
      Object.assign(new Error('No application found for name: agenticai-staging'), {
        name: 'ApplicationDoesNotExistException',
      }),
    );
    const run = await cli('--no-canary');
    expect(run.code).toBe(0);
    expect(fns.api.alias.version).toBe('6');
  });

  it('R12.5 a stack that does not exist is a clear failure', async () => {
    cfn.reset();
    cfn.on(ListStackResourcesCommand).rejects(
      Object.assign(new Error('Stack with id agenticai-staging does not exist'), {
        name: 'ValidationError',
      }),
    );
    const run = await cli('--dry-run');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'stack agenticai-staging does not exist: is staging deployed in this account and region?',
    );
  });
});

describe('R12.5 agenticai rollback through the binary', () => {
  it('R12.5 needs a deployed environment, and refuses a bad --to before calling AWS (exit 2)', async () => {
    const none = await runBinary(['rollback'], { AWS_REGION: 'eu-west-1' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'rollback acts on a deployed environment: pass --env dev|staging|production',
    );
    const local = await runBinary(['--env', 'local', 'rollback', '--dry-run'], {});
    expect(local.code).toBe(2);
    // No credentials at all: the usage error comes first, no AWS call is attempted.
    const bad = await runBinary(['--env', 'staging', 'rollback', '--to', 'previous'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_PROFILE: 'agenticai-no-such-profile',
      AWS_REGION: 'eu-west-1',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to must be a published version number');
  });
});
