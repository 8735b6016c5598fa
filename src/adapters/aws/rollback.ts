import { type CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  type CodeDeployClient,
  ListDeploymentGroupsCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import {
  type FunctionConfiguration,
  GetAliasCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { backoffMs } from '../../domain/backoff.ts';
import { LIVE_ALIAS, resourceNames } from '../../naming.ts';
import { SERVICES } from '../../observability/metrics.ts';

// `agenticai rollback` (R12.5): every function's `live` alias back to its previous published
// version in one step. docs/DEPLOYMENT.md ("Rollback") describes the command built on this.

/** A rollback that cannot go ahead: `invalid` is the operator's input (usage), `refused` the environment's state. */
export class RollbackError extends Error {
  override readonly name = 'RollbackError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'refused',
  ) {
    super(message);
  }
}

export interface RollbackClients {
  cfn: CloudFormationClient;
  lambda: LambdaClient;
  codedeploy: CodeDeployClient;
}

/** Where to roll back to: each function's previous version, one version for all, or one per function label. */
export type RollbackTarget =
  | { kind: 'previous' }
  | { kind: 'all'; version: string }
  | { kind: 'each'; versions: Record<string, string> };

export interface FunctionPlan {
  /** `api`, `worker`, … (from the function's Powertools service name), else the function name. */
  label: string;
  functionName: string;
  /** The version `live` points at, and the versions it also routes to (a CodeDeploy canary's weights). */
  from: string;
  weights: Record<string, number>;
  to: string;
  /** Nothing to do: `live` already serves only `to`. */
  unchanged: boolean;
  /** The alias revision the plan was made from: a change in between makes the update fail, not race. */
  revisionId?: string;
}

export interface RollbackPlan {
  env: string;
  stack: string;
  functions: FunctionPlan[];
}

export interface RollbackOutcome {
  moved: FunctionPlan[];
  unchanged: FunctionPlan[];
  failed: { plan: FunctionPlan; reason: string }[];
}

/** CodeDeploy statuses of a deployment that has not finished (it may still move an alias). */
export const UNFINISHED_DEPLOYMENT_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

const LATEST = '$LATEST';
const LABELS = Object.fromEntries(Object.entries(SERVICES).map(([label, service]) => [service, label]));

/** The functions of the environment's stack that have a `live` alias, from CloudFormation. */
export async function findLiveFunctions(cfn: CloudFormationClient, env: string): Promise<string[]> {
  const names = resourceNames(env);
  const suffix = `:${names.liveAlias}`;
  const functions: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await cfn.send(
        new ListStackResourcesCommand({ StackName: names.stack, NextToken: token }),
      );
      for (const r of page.StackResourceSummaries ?? []) {
        // An alias's physical id is its ARN: arn:aws:lambda:<region>:<account>:function:<name>:live.
        const arn = r.PhysicalResourceId ?? '';
        if (r.ResourceType === 'AWS::Lambda::Alias' && arn.endsWith(suffix))
          functions.push(arn.split(':')[6]!);
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      throw new RollbackError(
        `stack ${names.stack} does not exist: is ${env} deployed in this account and region?`,
        'refused',
      );
    throw error;
  }
  if (functions.length === 0)
    throw new RollbackError(
      `stack ${names.stack} has no function with a ${names.liveAlias} alias`,
      'refused',
    );
  return functions.sort();
}

/** Unfinished CodeDeploy deployments of the environment's application (a rollback now would race them). */
export async function unfinishedDeployments(
  codedeploy: CodeDeployClient,
  env: string,
): Promise<{ group: string; deploymentId: string }[]> {
  const applicationName = resourceNames(env).deployments;
  const groups: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await codedeploy.send(
        new ListDeploymentGroupsCommand({ applicationName, nextToken: token }),
      );
      groups.push(...(page.deploymentGroups ?? []));
      token = page.nextToken;
    } while (token);
  } catch (error) {
    // Deployed before gradual deployments existed: no CodeDeploy, nothing can be in progress.
    if ((error as Error).name === 'ApplicationDoesNotExistException') return [];
    throw error;
  }
  const found = await Promise.all(
    groups.map(async (deploymentGroupName) => {
      // ListDeployments takes an application only together with a group; one page is enough to know.
      const { deployments = [] } = await codedeploy.send(
        new ListDeploymentsCommand({
          applicationName,
          deploymentGroupName,
          includeOnlyStatuses: [...UNFINISHED_DEPLOYMENT_STATUSES],
        }),
      );
      return deployments.map((deploymentId) => ({ group: deploymentGroupName, deploymentId }));
    }),
  );
  return found.flat();
}

/** Every published version of a function (numbers, ascending) and the configuration of each. */
export async function publishedVersions(
  lambda: LambdaClient,
  functionName: string,
  opts: RetryOptions = {},
): Promise<Map<string, FunctionConfiguration>> {
  const versions = new Map<string, FunctionConfiguration>();
  let marker: string | undefined;
  // Oldest first, at most 50 per page; `$LATEST` (unpublished code) is listed too and skipped.
  do {
    const page = await withRetry(
      () =>
        lambda.send(
          new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }),
        ),
      opts,
    );
    for (const v of page.Versions ?? []) if (v.Version && v.Version !== LATEST) versions.set(v.Version, v);
    marker = page.NextMarker;
  } while (marker);
  return new Map([...versions].sort(([a], [b]) => Number(a) - Number(b)));
}

/** The version a `--to` names, as a string: whole numbers only (never `$LATEST`, unpublished code). */
export function parseRollbackTarget(value: string | undefined): RollbackTarget {
  if (value === undefined) return { kind: 'previous' };
  const version = /^[1-9]\d*$/;
  if (version.test(value)) return { kind: 'all', version: value };
  const versions: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const [label, v, extra] = pair.trim().split('=');
    if (!label || !v || extra !== undefined || !version.test(v))
      throw new RollbackError(
        `--to must be a published version number (e.g. 12) or function=version pairs (e.g. api=12,worker=9), got ${JSON.stringify(value)}`,
        'invalid',
      );
    versions[label] = v;
  }
  return { kind: 'each', versions };
}

/**
 * The plan: for each function, the version `live` serves now and the one it will serve. Refuses
 * (RollbackError) when a CodeDeploy deployment is unfinished, when a function has no earlier
 * published version, or when `--to` names a version or function that does not exist.
 */
export async function planRollback(
  clients: RollbackClients,
  env: string,
  target: RollbackTarget,
  opts: RetryOptions = {},
): Promise<RollbackPlan> {
  const names = resourceNames(env);
  const [functions, unfinished] = await Promise.all([
    findLiveFunctions(clients.cfn, env),
    unfinishedDeployments(clients.codedeploy, env),
  ]);
  if (unfinished.length > 0) {
    const list = unfinished.map((d) => `${d.deploymentId} (${d.group})`).join(', ');
    throw new RollbackError(
      `a CodeDeploy deployment is not finished: ${list}. It rolls back by itself when its alarms fire; to roll back now, stop it with rollback (aws deploy stop-deployment --auto-rollback-enabled --deployment-id ${unfinished[0]!.deploymentId}) and run this again once it has stopped`,
      'refused',
    );
  }
  const states = await mapLimited(functions, async (functionName) => {
    const [alias, versions] = await Promise.all([
      withRetry(
        () => clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: LIVE_ALIAS })),
        opts,
      ),
      publishedVersions(clients.lambda, functionName, opts),
    ]);
    return { functionName, alias, versions };
  });
  const plans = states.map(({ functionName, alias, versions }) => {
    const from = alias.FunctionVersion ?? LATEST;
    const weights = { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) };
    // The service name of the version live serves (`$LATEST` is not in the list: the newest then).
    const config = versions.get(from) ?? [...versions.values()].at(-1);
    const service = config?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    const label = (service && LABELS[service]) || functionName;
    const named = targetVersion({ functionName, label, from, weights, versions }, target);
    const to = named ?? from;
    // A function `--to` does not name stays exactly as it is.
    const unchanged = named === undefined || (to === from && Object.keys(weights).length === 0);
    return { label, functionName, from, weights, to, unchanged, revisionId: alias.RevisionId };
  });
  if (target.kind === 'each') {
    const unknown = Object.keys(target.versions).filter((l) => !plans.some((p) => p.label === l));
    if (unknown.length > 0)
      throw new RollbackError(
        `--to names ${unknown.join(', ')}, not a function of ${env} (functions: ${plans.map((p) => p.label).join(', ')})`,
        'invalid',
      );
  }
  return { env, stack: names.stack, functions: plans.sort((a, b) => a.label.localeCompare(b.label)) };
}

function targetVersion(
  fn: {
    functionName: string;
    label: string;
    from: string;
    weights: Record<string, number>;
    versions: Map<string, FunctionConfiguration>;
  },
  target: RollbackTarget,
): string | undefined {
  const published = [...fn.versions.keys()];
  const given =
    target.kind === 'all' ? target.version : target.kind === 'each' ? target.versions[fn.label] : undefined;
  if (target.kind === 'each' && given === undefined) return undefined;
  if (given !== undefined) {
    if (!fn.versions.has(given))
      throw new RollbackError(
        `--to ${given}: ${fn.label} (${fn.functionName}) has no published version ${given} (published: ${describeVersions(published)})`,
        'invalid',
      );
    return given;
  }
  if (fn.from === LATEST)
    throw new RollbackError(
      `${fn.label} (${fn.functionName}): ${LIVE_ALIAS} points at $LATEST (unpublished code), so there is no "previous version"; name one with --to`,
      'refused',
    );
  // During a canary `live` serves two versions; the newest of them is the one being rolled back.
  const serving = Math.max(...[fn.from, ...Object.keys(fn.weights)].map(Number));
  const previous = published.filter((v) => Number(v) < serving).at(-1);
  if (previous === undefined)
    throw new RollbackError(
      `${fn.label} (${fn.functionName}) serves version ${serving} and has no earlier published version to roll back to; to move the other functions, name them with --to (e.g. --to api=12,worker=9)`,
      'refused',
    );
  return previous;
}

function describeVersions(versions: string[]): string {
  if (versions.length === 0) return 'none';
  if (versions.length <= 6) return versions.join(', ');
  return `${versions.slice(0, 2).join(', ')} … ${versions.slice(-3).join(', ')}`;
}

export interface RetryOptions {
  /** Waits between retries of a throttled call (injected so tests never sleep for real). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per call when Lambda throttles it (its control plane allows about 15 requests a second). @default 10 */
  attempts?: number;
}

/**
 * Functions handled at once. Lambda's control plane allows about 15 requests a second per account,
 * so a burst for many functions would mostly be throttled; this stack's four all go at once.
 */
const CONCURRENCY = 8;

async function mapLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

/** Sends, retrying Lambda's throttling with exponential backoff and full jitter. */
async function withRetry<T>(call: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = opts.attempts ?? 10;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!THROTTLED.has((error as Error).name) || attempt >= attempts) throw error;
      await sleep(backoffMs(attempt, { baseMs: 250, capMs: 8_000 }));
    }
  }
}

/**
 * Moves every alias of the plan at once (concurrently: the time is one UpdateAlias, not one per
 * function), clearing any routing weights a CodeDeploy canary left, then reads each alias back. A
 * function that fails is reported with its reason; the others are not undone.
 */
export async function applyRollback(
  lambda: LambdaClient,
  plan: RollbackPlan,
  opts: RetryOptions = {},
): Promise<RollbackOutcome> {
  const alias = LIVE_ALIAS;
  const outcome: RollbackOutcome = { moved: [], unchanged: [], failed: [] };
  await mapLimited(plan.functions, async (fn) => {
    if (fn.unchanged) {
      outcome.unchanged.push(fn);
      return;
    }
    try {
      await withRetry(
        () =>
          lambda.send(
            new UpdateAliasCommand({
              FunctionName: fn.functionName,
              Name: alias,
              FunctionVersion: fn.to,
              RoutingConfig: { AdditionalVersionWeights: {} },
              RevisionId: fn.revisionId,
            }),
          ),
        opts,
      );
      const after = await withRetry(
        () => lambda.send(new GetAliasCommand({ FunctionName: fn.functionName, Name: alias })),
        opts,
      );
      const weights = Object.keys(after.RoutingConfig?.AdditionalVersionWeights ?? {});
      if (after.FunctionVersion !== fn.to || weights.length > 0)
        throw new Error(
          `read back ${alias} → ${after.FunctionVersion}${weights.length ? ` (+ weights on ${weights.join(', ')})` : ''}, expected ${fn.to} alone`,
        );
      outcome.moved.push(fn);
    } catch (error) {
      const e = error as Error;
      const reason =
        e.name === 'PreconditionFailedException'
          ? `${alias} changed since the plan (a deployment or another rollback?): ${e.message}`
          : `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
      outcome.failed.push({ plan: fn, reason });
    }
  });
  const byLabel = (a: FunctionPlan, b: FunctionPlan) => a.label.localeCompare(b.label);
  outcome.moved.sort(byLabel);
  outcome.unchanged.sort(byLabel);
  outcome.failed.sort((a, b) => byLabel(a.plan, b.plan));
  return outcome;
}
