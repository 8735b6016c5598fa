/**
 * The checks behind `agenticai doctor` (src/cli/commands/doctor.ts loads this module only when the
 * command runs, so other commands do not pay for five more SDK clients at startup).
 */
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetInferenceProfileCommand,
} from '@aws-sdk/client-bedrock';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type EnvironmentConfig, profileGeography } from '../../../infra/config.ts';
import { loadEnvironments } from '../../../infra/environments.ts';
import { accountNames, resourceNames } from '../../naming.ts';

/** The bootstrap version the pinned CDK CLI (aws-cdk 2.1148.1) installs; older still works, but is not recent. */
export const CURRENT_BOOTSTRAP_VERSION = 33;
/** The oldest bootstrap the synthesized templates accept (their CheckBootstrapVersion rule). */
export const MIN_BOOTSTRAP_VERSION = 6;
/** Lambda refuses a reservation that leaves fewer unreserved concurrent executions than this. */
export const MIN_UNRESERVED = 100;
const ACCOUNT_REGION = 'us-east-1';
const BUDGET_NAME = accountNames.budget;

export type Status = 'ok' | 'warn' | 'fail';
export interface Check {
  check: string;
  status: Status;
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

type ClientConfig = { region?: string; profile?: string };

const errorName = (error: unknown) =>
  (error as { name?: string })?.name ?? (error instanceof Error ? error.message : String(error));
const couldNot = (check: string, what: string, error: unknown): Check => ({
  check,
  status: 'fail',
  detail: `could not ${what}: ${errorName(error)}`,
  fix: 'give the credentials read access (ReadOnlyAccess is enough) and run again',
});

async function bootstrap(clients: { ssm: (region: string) => SSMClient }, account: string, region: string) {
  const check = `bootstrap ${region}`;
  const fix = `npx cdk bootstrap aws://${account}/${region}`;
  try {
    const { Parameter } = await clients
      .ssm(region)
      .send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }));
    const version = Number(Parameter?.Value);
    if (!Number.isInteger(version) || version < MIN_BOOTSTRAP_VERSION)
      return {
        check,
        status: 'fail',
        detail: `bootstrap version ${Parameter?.Value} is too old`,
        fix,
      } satisfies Check;
    if (version < CURRENT_BOOTSTRAP_VERSION)
      return {
        check,
        status: 'warn',
        detail: `bootstrap version ${version}; the pinned CDK CLI installs ${CURRENT_BOOTSTRAP_VERSION}`,
        fix,
      } satisfies Check;
    return { check, status: 'ok', detail: `bootstrap version ${version}` } satisfies Check;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound')
      return {
        check,
        status: 'fail',
        detail: 'CDK is not bootstrapped in this account and region',
        fix,
      } satisfies Check;
    return couldNot(check, 'read the bootstrap version', error);
  }
}

export async function concurrency(lambda: LambdaClient, config: EnvironmentConfig): Promise<Check> {
  const check = 'lambda concurrency';
  try {
    const { AccountLimit } = await lambda.send(new GetAccountSettingsCommand({}));
    const limit = AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = AccountLimit?.UnreservedConcurrentExecutions ?? limit;
    const wanted = config.api.reservedConcurrency ?? 0;
    if (wanted > 0 && unreserved - wanted < MIN_UNRESERVED)
      return {
        check,
        status: 'fail',
        detail: `quota ${limit}, ${unreserved} unreserved: reserving ${wanted} for the API would leave fewer than ${MIN_UNRESERVED} unreserved, which Lambda refuses`,
        fix: `request a higher "Concurrent executions" quota (Service Quotas) or remove api.reservedConcurrency for ${config.name}`,
      };
    if (limit < config.accountConcurrencyLimit)
      return {
        check,
        status: 'warn',
        detail: `quota ${limit} (the configuration assumes ${config.accountConcurrencyLimit}); API and workers share it`,
        fix: `request a higher "Concurrent executions" quota (Service Quotas → AWS Lambda) or set accountConcurrencyLimit to ${limit}`,
      };
    return {
      check,
      status: 'ok',
      detail: `quota ${limit}, ${unreserved} unreserved${wanted ? `, ${wanted} to reserve for the API` : ''}`,
    };
  } catch (error) {
    return couldNot(check, 'read the Lambda account settings', error);
  }
}

async function model(bedrock: BedrockClient, config: EnvironmentConfig): Promise<Check> {
  const check = 'bedrock model';
  const id = config.bedrockModelId!;
  const geo = profileGeography(id);
  const modelId = geo ? id.slice(geo.length + 1) : id;
  const fix = `request access to ${modelId} in the Bedrock console (${config.region}), see docs/DEPLOYMENT.md`;
  try {
    if (geo) {
      const profile = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
      if (profile.status !== 'ACTIVE')
        return { check, status: 'fail', detail: `inference profile ${id} is ${profile.status}`, fix };
    }
    const a = await bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    const agreement = a.agreementAvailability?.status;
    if (a.regionAvailability !== 'AVAILABLE' && !geo)
      return {
        check,
        status: 'fail',
        detail: `${modelId} is not offered in ${config.region}`,
        fix: 'configure an inference profile (AGENTICAI_BEDROCK_MODEL_ID)',
      };
    if (
      a.authorizationStatus !== 'AUTHORIZED' ||
      a.entitlementAvailability !== 'AVAILABLE' ||
      agreement === 'NOT_AVAILABLE' ||
      agreement === 'ERROR'
    )
      return {
        check,
        status: 'fail',
        detail: `no access to ${modelId} (authorization ${a.authorizationStatus}, entitlement ${a.entitlementAvailability}, agreement ${agreement})`,
        fix,
      };
    if (agreement === 'PENDING')
      return {
        check,
        status: 'warn',
        detail: `access to ${modelId} is being granted (agreement pending)`,
        fix: 'wait a few minutes and run again',
      };
    return { check, status: 'ok', detail: `${id} usable` };
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException' || errorName(error) === 'ValidationException')
      return {
        check,
        status: 'fail',
        detail: `${id} does not exist in ${config.region}`,
        fix: 'configure a model or profile offered there (AGENTICAI_BEDROCK_MODEL_ID)',
      };
    return couldNot(check, 'check model access', error);
  }
}

async function stack(cfn: CloudFormationClient, name: string, region: string, env: string): Promise<Check> {
  const check = `stack ${name} (${region})`;
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const status = Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
    if (status === 'ROLLBACK_COMPLETE' || status.endsWith('_FAILED'))
      return {
        check,
        status: 'fail',
        detail: `${status}: CloudFormation cannot update it`,
        fix: `delete it (aws cloudformation delete-stack --stack-name ${name} --region ${region}) and deploy again; retained data stays`,
      };
    return { check, status: 'ok', detail: status };
  } catch (error) {
    if (/does not exist/.test((error as Error).message ?? ''))
      return {
        check,
        status: 'warn',
        detail: 'not deployed yet',
        fix: `npm run deploy -- --env ${env} creates it`,
      };
    return couldNot(check, 'describe the stack', error);
  }
}

async function subscriptions(sns: SNSClient, topicArn: string, emails: string[]): Promise<Check> {
  const topic = topicArn.split(':').pop()!;
  const check = `email subscriptions ${topic}`;
  try {
    const found: { Protocol?: string; Endpoint?: string; SubscriptionArn?: string }[] = [];
    let token: string | undefined;
    do {
      const page = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
      );
      found.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
    const email = (address: string) =>
      found.find((s) => s.Protocol === 'email' && s.Endpoint?.toLowerCase() === address.toLowerCase());
    const missing = emails.filter((e) => !email(e));
    const pending = emails.filter((e) => email(e)?.SubscriptionArn === 'PendingConfirmation');
    if (missing.length > 0)
      return {
        check,
        status: 'warn',
        detail: `not subscribed: ${missing.join(', ')}`,
        fix: 'deploy again after setting AGENTICAI_ADMIN_EMAILS',
      };
    if (pending.length > 0)
      return {
        check,
        status: 'warn',
        detail: `unconfirmed: ${pending.join(', ')} (alerts are not delivered to them)`,
        fix: 'click "Confirm subscription" in the AWS Notification email',
      };
    return { check, status: 'ok', detail: `${emails.length} confirmed` };
  } catch (error) {
    if (errorName(error) === 'NotFoundException' || errorName(error) === 'NotFound')
      return {
        check,
        status: 'warn',
        detail: 'topic not deployed yet',
        fix: 'deploy, then confirm the subscription emails',
      };
    return couldNot(check, 'list the subscriptions', error);
  }
}

async function budget(budgets: BudgetsClient, account: string): Promise<Check> {
  const check = 'budget';
  try {
    const { Budget } = await budgets.send(
      new DescribeBudgetCommand({ AccountId: account, BudgetName: BUDGET_NAME }),
    );
    return {
      check,
      status: 'ok',
      detail: `${BUDGET_NAME}: ${Budget?.BudgetLimit?.Amount} ${Budget?.BudgetLimit?.Unit}`,
    };
  } catch (error) {
    if (errorName(error) === 'NotFoundException')
      return {
        check,
        status: 'warn',
        detail: `${BUDGET_NAME} not found`,
        fix: 'deploy the account stack (npm run deploy creates it)',
      };
    return couldNot(check, 'read the budget', error);
  }
}

/** Every read-only check, in order; stops after the configuration or credentials when they fail. */
export async function runDoctor(
  envName: string,
  base: ClientConfig,
  env: Record<string, string | undefined> = process.env,
) {
  const checks: Check[] = [];
  let config: EnvironmentConfig;
  try {
    config = loadEnvironments({ ...env, AGENTICAI_ENVIRONMENTS: envName })[0]!;
    checks.push({
      check: 'configuration',
      status: 'ok',
      detail: `${config.name}: account ${config.account}, ${config.region}`,
    });
  } catch (error) {
    checks.push({
      check: 'configuration',
      status: 'fail',
      detail: (error as Error).message,
      fix: 'set the variables named (docs/DEPLOYMENT.md)',
    });
    return { checks };
  }
  const at = (region: string) => ({ ...base, region });
  const clients: Array<{ destroy(): void }> = [];
  const make = <T extends { destroy(): void }>(client: T) => {
    clients.push(client);
    return client;
  };
  try {
    try {
      const { Account, Arn } = await make(new STSClient(at(config.region))).send(
        new GetCallerIdentityCommand({}),
      );
      if (Account !== config.account) {
        checks.push({
          check: 'credentials',
          status: 'fail',
          detail: `credentials reach account ${Account}, the configuration says ${config.account}`,
          fix: `use credentials for ${config.account} (AWS_PROFILE / --profile) or fix AGENTICAI_ACCOUNT_${config.name.toUpperCase()}`,
        });
        return { config, checks };
      }
      checks.push({ check: 'credentials', status: 'ok', detail: `${Arn}` });
    } catch (error) {
      checks.push({
        check: 'credentials',
        status: 'fail',
        detail: `no usable AWS credentials: ${errorName(error)}`,
        fix: 'configure credentials (aws configure / AWS_PROFILE / --profile)',
      });
      return { config, checks };
    }
    const ssm = (region: string) => make(new SSMClient(at(region)));
    const regions = [...new Set([config.region, ACCOUNT_REGION])];
    const sns = make(new SNSClient(at(config.region)));
    const snsAccount = make(new SNSClient(at(ACCOUNT_REGION)));
    const topic = (region: string, name: string) => `arn:aws:sns:${region}:${config.account}:${name}`;
    const results = await Promise.all([
      ...regions.map((region) => bootstrap({ ssm }, config.account, region)),
      concurrency(make(new LambdaClient(at(config.region))), config),
      model(make(new BedrockClient(at(config.region))), config),
      stack(
        make(new CloudFormationClient(at(ACCOUNT_REGION))),
        accountNames.accountStack,
        ACCOUNT_REGION,
        config.name,
      ),
      stack(
        make(new CloudFormationClient(at(config.region))),
        accountNames.regionStack,
        config.region,
        config.name,
      ),
      stack(
        make(new CloudFormationClient(at(config.region))),
        resourceNames(config.name).stack,
        config.region,
        config.name,
      ),
      ...(['general', 'critical'] as const).map((t) =>
        subscriptions(sns, topic(config.region, resourceNames(config.name).topic(t)), config.adminEmails),
      ),
      ...(['general', 'critical'] as const).map((t) =>
        subscriptions(snsAccount, topic(ACCOUNT_REGION, accountNames.topic(t)), config.adminEmails),
      ),
      budget(make(new BudgetsClient(at(ACCOUNT_REGION))), config.account),
    ]);
    checks.push(...results);
    return { config, checks };
  } finally {
    for (const client of clients) client.destroy();
  }
}
