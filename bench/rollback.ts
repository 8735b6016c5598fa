/**
 * `npm run bench:rollback`: how long `agenticai rollback` takes to move every `live` alias and read
 * it back (R12.5 asks under 5 minutes; the aim is under 60 s), against a mocked CloudFormation,
 * CodeDeploy and Lambda control plane with realistic behaviour: each call waits a latency drawn
 * around BENCH_LATENCY_MS (default 150 ms; ListStackResources twice that), ListVersionsByFunction
 * pages 50 versions oldest first, and Lambda throttles the account's control plane above
 * BENCH_LAMBDA_RPS requests per second (default 15, Lambda's documented control-plane rate) with
 * TooManyRequestsException, which the command retries. Runs the same plan-apply-verify code as the
 * CLI (src/composition/rollback.ts) BENCH_RUNS times (default 7) for 4 functions (this stack), 16
 * and 64, each with BENCH_VERSIONS published versions (default 120: three pages). Prints the
 * median and range; asserts nothing. Figures: docs/PERFORMANCE.md.
 */
import { execFileSync } from 'node:child_process';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
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
import { mockClient } from 'aws-sdk-client-mock';
import { applyRollback, parseRollbackTarget, planRollback } from '../src/composition/rollback.ts';
import { resourceNames } from '../src/naming.ts';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 150);
const lambdaRps = Number(process.env.BENCH_LAMBDA_RPS ?? 15);
const versions = Number(process.env.BENCH_VERSIONS ?? 120);
const sizes = [4, 16, 64];
const env = 'staging';
const names = resourceNames(env);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A call's latency: uniform in ±40 % around the mean. */
const wait = (mean: number) => sleep(mean * (0.6 + 0.8 * Math.random()));

/** The account's Lambda control-plane rate: a one-second sliding window shared by every call. */
function rateLimiter(perSecond: number) {
  const calls: number[] = [];
  return () => {
    const now = performance.now();
    while (calls.length && now - calls[0]! > 1000) calls.shift();
    if (calls.length >= perSecond) return false;
    calls.push(now);
    return true;
  };
}

async function once(functions: number) {
  const cfn = mockClient(CloudFormationClient);
  const lambda = mockClient(LambdaClient);
  const codedeploy = mockClient(CodeDeployClient);
  const fnName = (i: number) => `${names.stack}-Function${i}-abc123`;
  const alias = new Map(Array.from({ length: functions }, (_, i) => [fnName(i), String(versions)]));
  const allow = rateLimiter(lambdaRps);
  let calls = 0;
  let throttled = 0;
  const lambdaCall = async <T>(answer: () => T): Promise<T> => {
    calls++;
    await wait(latencyMs);
    if (!allow()) {
      throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    }
    return answer();
  };

  cfn.on(ListStackResourcesCommand).callsFake(async () => {
    calls++;
    await wait(latencyMs * 2);
    return {
      StackResourceSummaries: [...alias.keys()].map((name) => ({
        LogicalResourceId: `${name}Live`,
        PhysicalResourceId: `arn:aws:lambda:eu-west-1:111111111111:function:${name}:live`,
        ResourceType: 'AWS::Lambda::Alias',
        LastUpdatedTimestamp: new Date(0),
        ResourceStatus: 'UPDATE_COMPLETE',
      })),
    };
  });
  codedeploy.on(ListDeploymentGroupsCommand).callsFake(async () => {
    calls++;
    await wait(latencyMs);
    return { deploymentGroups: ['api', 'worker', 'sweeper', 'notifier'].map(names.deploymentGroup) };
  });
  codedeploy.on(ListDeploymentsCommand).callsFake(async () => {
    calls++;
    await wait(latencyMs);
    return { deployments: [] };
  });
  lambda.on(ListVersionsByFunctionCommand).callsFake((input) =>
    lambdaCall(() => {
      const all = ['$LATEST', ...Array.from({ length: versions }, (_, i) => String(i + 1))];
      const start = Number(input.Marker ?? 0);
      const page = all.slice(start, start + 50);
      return {
        Versions: page.map((Version) => ({ Version })),
        ...(start + 50 < all.length && { NextMarker: String(start + 50) }),
      };
    }),
  );
  lambda
    .on(GetAliasCommand)
    .callsFake((input) =>
      lambdaCall(() => ({ FunctionVersion: alias.get(input.FunctionName), RevisionId: 'r1' })),
    );
  lambda.on(UpdateAliasCommand).callsFake((input) =>
    lambdaCall(() => {
      alias.set(input.FunctionName, input.FunctionVersion);
      return { FunctionVersion: input.FunctionVersion };
    }),
  );

  const clients = {
    cfn: new CloudFormationClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
    codedeploy: new CodeDeployClient({ region: 'eu-west-1' }),
  };
  const started = performance.now();
  try {
    const plan = await planRollback(clients, env, parseRollbackTarget(undefined));
    const outcome = await applyRollback(clients.lambda, plan);
    const ms = performance.now() - started;
    if (outcome.failed.length > 0 || outcome.moved.length !== functions)
      throw new Error(`rollback incomplete: ${JSON.stringify(outcome.failed.map((f) => f.reason))}`);
    return { ms, calls, throttled };
  } finally {
    cfn.restore();
    lambda.restore();
    codedeploy.restore();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `node ${process.version}, ${runs} runs each; latency ~${latencyMs} ms a call, Lambda control plane ${lambdaRps} requests/s, ${versions} versions a function`,
);
console.log('functions  plan+flip+verify: median (min-max) s   calls  throttled (median)');
for (const n of sizes) {
  const samples: { ms: number; calls: number; throttled: number }[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once(n));
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const s = (v: number) => (v / 1000).toFixed(2);
  console.log(
    `${String(n).padStart(9)}  ${`${s(median(ms))} (${s(ms[0]!)}-${s(ms.at(-1)!)})`.padEnd(38)}${String(median(samples.map((x) => x.calls))).padStart(5)}  ${median(samples.map((x) => x.throttled))}`,
  );
}
console.log(`git ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`);
