import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { EnvironmentConfig } from './config.ts';
import { AccountStack } from './stacks/account-stack.ts';
import { AgenticAiStack } from './stacks/agenticai-stack.ts';

/**
 * The whole CDK app: one stack per environment (construct id = stack name = `agenticai-<env>`) and
 * one account-level stack. cdk-nag (AwsSolutions, Serverless) runs as a validation gate.
 */
export function buildApp(environments: EnvironmentConfig[], opts: { outdir?: string } = {}) {
  const app = new App({
    outdir: opts.outdir,
    context: {
      'aws:cdk:disable-cli-telemetry': true,
      // Access logs delivered under a bucket policy, so the log bucket can disable ACLs.
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
    },
  });
  const first = environments[0]!;
  // Account-wide settings come from the production environment when there is one.
  const owner = environments.find((e) => e.name === 'production') ?? first;
  const account = new AccountStack(app, 'agenticai-account', {
    stackName: 'agenticai-account',
    env: { account: owner.account, region: owner.region },
    adminEmails: owner.adminEmails,
    monthlyBudgetUsd: owner.monthlyBudgetUsd,
    anomalyThresholdUsd: owner.anomalyThresholdUsd,
    existingAnomalyMonitorArn: owner.existingAnomalyMonitorArn,
    budgetEnvironmentTag: owner.budgetEnvironmentTag,
  });
  const stacks = environments.map(
    (config) =>
      new AgenticAiStack(app, `agenticai-${config.name}`, {
        stackName: `agenticai-${config.name}`,
        env: { account: config.account, region: config.region },
        config,
        description: `AgenticAI ${config.name}`,
      }),
  );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, account, stacks };
}
