import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { accountNames, resourceNames } from '../src/naming.ts';
import type { EnvironmentConfig, GithubConfig } from './config.ts';
import { repositoryRoot } from './paths.ts';
import { ACCOUNT_STACK_REGION, AccountStack } from './stacks/account-stack.ts';
import { AgenticAiStack, extraCanaryRegions } from './stacks/agenticai-stack.ts';
import { CanaryRegionStack } from './stacks/canary-region-stack.ts';
import { CicdStack } from './stacks/cicd-stack.ts';
import { RegionStack } from './stacks/region-stack.ts';

const ROOT = repositoryRoot();

/** cdk.json's context (the recommended feature flags): applied here too, so tests synthesize what the CLI does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** Highest environment first: account-wide settings come from the most important environment in the account. */
const RANK = { production: 0, staging: 1, dev: 2 } as const;

/** Stack names in CloudFormation (one per scope) and the construct ids the CDK CLI selects stacks by. */
export const STACK_NAMES = {
  account: accountNames.accountStack,
  region: accountNames.regionStack,
  environment: (env: string) => resourceNames(env).stack,
  canary: (env: string, region: string) => resourceNames(env).canaryStack(region),
  cicd: accountNames.cicdStack,
};

/**
 * The whole CDK app, one stack per scope, each with an explicit account and region:
 * - `agenticai-account` per account, in us-east-1: budget, cost anomaly monitor and subscription;
 * - `agenticai-region` per account and region: the API Gateway CloudWatch role;
 * - `agenticai-<env>` per environment, depending on both (deploying it deploys them first);
 * - `agenticai-<env>-canary-<region>` per extra region of the environment's `canaryRegions` (R11.5),
 *   depending on `agenticai-<env>` (it reads the API URL, canary key and notifier from it);
 * - `agenticai-cicd` per account, in us-east-1, when a GitHub repository is configured: the OIDC
 *   provider and the environments' deploy roles (deployed by an administrator, never by CI).
 * Construct ids carry the account (and region) only when the app spans several, so the common
 * one-account case keeps the short names. cdk-nag (AwsSolutions, Serverless) runs as a validation gate.
 */
export function buildApp(
  environments: EnvironmentConfig[],
  opts: { outdir?: string; app?: App; context?: Record<string, unknown>; github?: GithubConfig } = {},
) {
  const app =
    opts.app ??
    new App({
      outdir: opts.outdir,
      context: { ...cdkJsonContext(), 'aws:cdk:disable-cli-telemetry': true, ...opts.context },
    });
  const accounts = [...new Set(environments.map((e) => e.account))];
  const multiAccount = accounts.length > 1;
  const accountStacks = new Map<string, AccountStack>();
  for (const account of accounts) {
    const owner = environments
      .filter((e) => e.account === account)
      .sort((a, b) => RANK[a.name] - RANK[b.name])[0]!;
    const id = multiAccount ? `${STACK_NAMES.account}-${account}` : STACK_NAMES.account;
    accountStacks.set(
      account,
      new AccountStack(app, id, {
        stackName: STACK_NAMES.account,
        description: 'AgenticAI account-wide cost controls (budget, cost anomaly detection)',
        env: { account, region: ACCOUNT_STACK_REGION },
        adminEmails: owner.adminEmails,
        monthlyBudgetUsd: owner.monthlyBudgetUsd,
        anomalyThresholdUsd: owner.anomalyThresholdUsd,
        existingAnomalyMonitorArn: owner.existingAnomalyMonitorArn,
        budgetEnvironmentTag: owner.budgetEnvironmentTag,
      }),
    );
  }
  const regionStacks = new Map<string, RegionStack>();
  for (const { account, region } of environments) {
    const key = `${account}/${region}`;
    if (regionStacks.has(key)) continue;
    const id = multiAccount
      ? `${STACK_NAMES.region}-${account}-${region}`
      : `${STACK_NAMES.region}-${region}`;
    regionStacks.set(
      key,
      new RegionStack(app, id, {
        stackName: STACK_NAMES.region,
        description: 'AgenticAI per-region settings (API Gateway CloudWatch logging role)',
        env: { account, region },
      }),
    );
  }
  const stacks = environments.map((config) => {
    const name = STACK_NAMES.environment(config.name);
    const stack = new AgenticAiStack(app, name, {
      stackName: name,
      env: { account: config.account, region: config.region },
      config,
      description: `AgenticAI ${config.name}`,
    });
    // Ordering only (no cross-stack references): the stage's execution logging needs the region's
    // CloudWatch role; the budget and anomaly alerts should watch the account before it spends.
    stack.addStackDependency(regionStacks.get(`${config.account}/${config.region}`)!);
    stack.addStackDependency(accountStacks.get(config.account)!);
    return stack;
  });
  const canaries = environments.flatMap((config, i) =>
    extraCanaryRegions(config).map((region) => {
      const main = stacks[i]!;
      const name = STACK_NAMES.canary(config.name, region);
      // The cross-region references make it depend on the environment stack.
      return new CanaryRegionStack(app, name, {
        stackName: name,
        env: { account: config.account, region },
        description: `AgenticAI ${config.name} health-check canary in ${region}`,
        config,
        main: {
          endpoint: main.apiUrl,
          keySecretArn: main.canaryKeySecret.secretArn,
          region: config.region,
          ...(main.notifierFunction && { notifierArn: main.notifierFunction.alias.functionArn }),
        },
      });
    }),
  );
  const cicd = opts.github
    ? accounts.map(
        (account) =>
          new CicdStack(app, multiAccount ? `${STACK_NAMES.cicd}-${account}` : STACK_NAMES.cicd, {
            stackName: STACK_NAMES.cicd,
            description: 'AgenticAI CI/CD: GitHub Actions OIDC provider and per-environment deploy roles',
            env: { account, region: ACCOUNT_STACK_REGION },
            github: opts.github!,
            environments: environments.filter((e) => e.account === account),
          }),
      )
    : [];
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return {
    app,
    accounts: [...accountStacks.values()],
    regions: [...regionStacks.values()],
    stacks,
    canaries,
    cicd,
  };
}
