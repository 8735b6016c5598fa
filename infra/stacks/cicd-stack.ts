import { CfnOutput, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import {
  type IOidcProvider,
  OidcProviderNative,
  PolicyDocument,
  PolicyStatement,
  Role,
  WebIdentityPrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { resourceNames } from '../../src/naming.ts';
import type { EnvironmentConfig, GithubConfig } from '../config.ts';
import { ACCOUNT_STACK_REGION } from './account-stack.ts';

/** GitHub Actions' OIDC issuer, and the audience configure-aws-credentials requests. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** The CDK bootstrap roles (default qualifier) the CLI assumes: everything a deploy needs. */
export const CDK_BOOTSTRAP_QUALIFIER = 'hnb659fds';
export const CDK_BOOTSTRAP_ROLES = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;

/** The deploy role of one environment; the GitHub environment's AWS_DEPLOY_ROLE_ARN names it. */
export const deployRoleName = (env: string) => resourceNames(env).githubDeployRole;

/** The OIDC subject of a job that runs in a GitHub environment (the only subject a role trusts). */
export const githubSubject = (github: GithubConfig, env: string) =>
  `repo:${github.owner}/${github.repo}:environment:${env}`;

export interface CicdStackProps extends StackProps {
  github: GithubConfig;
  /** The environments deployed into this stack's account. */
  environments: EnvironmentConfig[];
}

/**
 * Once per account: GitHub Actions' OIDC provider and one deploy role per environment in the account.
 * A role trusts only jobs of the configured repository running in the GitHub environment of the
 * same name (so production's role is reachable only after that environment's required reviewers
 * approve), and may only assume the CDK bootstrap roles of its environment's region and of
 * us-east-1 (the account stack's region) and of its other canary regions (R11.5), and run the pipeline's two commands against its own
 * environment (operatePolicy): no long-lived keys, nothing else.
 */
export class CicdStack extends Stack {
  readonly provider: IOidcProvider;
  readonly deployRoles: Record<string, Role> = {};

  constructor(scope: Construct, id: string, props: CicdStackProps) {
    super(scope, id, props);
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', 'cicd');
    const { github } = props;
    this.provider = github.existingOidcProviderArn
      ? OidcProviderNative.fromOidcProviderArn(this, 'GithubOidc', github.existingOidcProviderArn)
      : new OidcProviderNative(this, 'GithubOidc', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: [GITHUB_OIDC_AUDIENCE],
        });
    for (const env of props.environments) {
      // R11.5: the canary stacks of the other regions deploy through the same role.
      const regions = [...new Set([env.region, ACCOUNT_STACK_REGION, ...(env.canaryRegions ?? [])])];
      const operate = operatePolicy(this, env);
      const role = new Role(this, `Deploy-${env.name}`, {
        roleName: deployRoleName(env.name),
        description: `GitHub Actions deploys of AgenticAI ${env.name} from ${github.owner}/${github.repo} (environment ${env.name}); may only assume the CDK bootstrap roles.`,
        assumedBy: new WebIdentityPrincipal(this.provider.oidcProviderArn, {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(github, env.name),
          },
        }),
        inlinePolicies: {
          'assume-cdk-bootstrap-roles': new PolicyDocument({
            statements: [
              new PolicyStatement({
                actions: ['sts:AssumeRole'],
                resources: regions.flatMap((region) =>
                  CDK_BOOTSTRAP_ROLES.map(
                    (kind) =>
                      `arn:${this.partition}:iam::${env.account}:role/cdk-${CDK_BOOTSTRAP_QUALIFIER}-${kind}-role-${env.account}-${region}`,
                  ),
                ),
              }),
            ],
          }),
          'canary-and-rollback': operate.document,
        },
      });
      for (const resource of operate.wildcards)
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason:
            "Only this environment's resources: its stack (CloudFormation appends the stack id), its functions (named after the stack), its CodeDeploy deployment groups.",
        });
      this.deployRoles[env.name] = role;
      new CfnOutput(this, `DeployRoleArn-${env.name}`, {
        description: `AWS_DEPLOY_ROLE_ARN of the GitHub environment ${env.name}`,
        value: role.roleArn,
      });
    }
  }
}

/**
 * What the pipeline runs after a deploy and in the rollback workflow, on this environment's
 * resources only: `agenticai canary run --env` (the stack's ApiUrl output, the canary key) and
 * `agenticai rollback --env` (the stack's aliases, their versions, unfinished CodeDeploy
 * deployments, moving `live`). Function names are CloudFormation's, prefixed with the stack name.
 */
export function operatePolicy(
  stack: Stack,
  env: EnvironmentConfig,
): { document: PolicyDocument; wildcards: string[] } {
  const names = resourceNames(env.name);
  const arn = (service: string, resource: string) =>
    `arn:${stack.partition}:${service}:${env.region}:${env.account}:${resource}`;
  const stackArn = arn('cloudformation', `stack/${names.stack}/*`);
  const functions = arn('lambda', `function:${names.stack}-*`);
  const groups = arn('codedeploy', `deploymentgroup:${names.deployments}/*`);
  const document = new PolicyDocument({
    statements: [
      new PolicyStatement({
        actions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
        resources: [stackArn],
      }),
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        // Secrets Manager appends six random characters to the name.
        resources: [arn('secretsmanager', `secret:${names.canaryKeySecret}-??????`)],
      }),
      new PolicyStatement({
        actions: ['lambda:GetAlias', 'lambda:ListVersionsByFunction', 'lambda:UpdateAlias'],
        resources: [functions],
      }),
      new PolicyStatement({
        actions: ['codedeploy:ListDeploymentGroups'],
        resources: [arn('codedeploy', `application:${names.deployments}`)],
      }),
      new PolicyStatement({
        actions: ['codedeploy:ListDeployments'],
        resources: [groups],
      }),
    ],
  });
  return { document, wildcards: [stackArn, functions, groups] };
}
