import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEnvironment } from '../../infra/config.ts';
import { CURRENT_BOOTSTRAP_VERSION, concurrency } from '../../src/cli/commands/doctor-checks.ts';
import { runCli } from '../../src/cli/program.ts';
import { captureOutput } from '../support/capture-output.ts';
import { ROOT } from '../support/server-process.ts';

const ACCOUNT = '222222222222';
const ADMIN = 'oncall@acme-corp.com';
const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const lambda = mockClient(LambdaClient);
const bedrock = mockClient(BedrockClient);
const cfn = mockClient(CloudFormationClient);
const sns = mockClient(SNSClient);
const budgets = mockClient(BudgetsClient);
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });
/** The region a mocked call was sent to. */
const regionOf = async (getClient: () => { config: { region: () => Promise<string> } }) =>
  getClient().config.region();

const output = captureOutput();
const saved = { ...process.env };

function healthy() {
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ops` });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: String(CURRENT_BOOTSTRAP_VERSION) } });
  lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  bedrock.on(GetInferenceProfileCommand).resolves({ status: 'ACTIVE' });
  bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
    modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    authorizationStatus: 'AUTHORIZED',
    entitlementAvailability: 'AVAILABLE',
    regionAvailability: 'AVAILABLE',
    agreementAvailability: { status: 'AVAILABLE' },
  });
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => ({
    Stacks: [{ StackName: input.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0) }],
  }));
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [{ Protocol: 'email', Endpoint: ADMIN, SubscriptionArn: 'arn:aws:sns:x:1:t:abc' }],
  });
  budgets.on(DescribeBudgetCommand).resolves({
    Budget: {
      BudgetName: 'agenticai-monthly',
      BudgetLimit: { Amount: '50', Unit: 'USD' },
      TimeUnit: 'MONTHLY',
      BudgetType: 'COST',
    },
  });
}

beforeEach(() => {
  for (const m of [sts, ssm, lambda, bedrock, cfn, sns, budgets]) m.reset();
  healthy();
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AGENTICAI_ACCOUNT_STAGING: ACCOUNT,
    AGENTICAI_REGION: 'eu-west-1',
    AGENTICAI_ADMIN_EMAILS: ADMIN,
  });
  delete process.env.AGENTICAI_ACCOUNT;
  delete process.env.AGENTICAI_BEDROCK_MODEL_ID;
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

type Result = { check: string; status: string; detail: string; fix?: string };
const doctor = async () => {
  const code = await runCli(['--env', 'staging', 'doctor', '--json']);
  const body = JSON.parse(output.stdout) as { ok: boolean; checks: Result[] };
  return { code, body, check: (name: string) => body.checks.find((c) => c.check === name)! };
};

describe('agenticai doctor --env (read-only preflight, issue 11)', () => {
  it('every check ok: exit 0, one row per check', async () => {
    const { code, body } = await doctor();
    expect(code).toBe(0);
    expect(body.ok).toBe(true);
    expect(body.checks.map((c) => [c.check, c.status])).toEqual([
      ['configuration', 'ok'],
      ['credentials', 'ok'],
      ['bootstrap eu-west-1', 'ok'],
      ['bootstrap us-east-1', 'ok'],
      ['lambda concurrency', 'ok'],
      ['bedrock model', 'ok'],
      ['stack agenticai-account (us-east-1)', 'ok'],
      ['stack agenticai-region (eu-west-1)', 'ok'],
      ['stack agenticai-staging (eu-west-1)', 'ok'],
      ['email subscriptions agenticai-staging-general', 'ok'],
      ['email subscriptions agenticai-staging-critical', 'ok'],
      ['email subscriptions agenticai-account-general', 'ok'],
      ['email subscriptions agenticai-account-critical', 'ok'],
      ['budget', 'ok'],
    ]);
    // The environment's own profile, in its region; account topics and budget in us-east-1.
    expect(bedrock.commandCalls(GetInferenceProfileCommand)[0]!.args[0].input).toEqual({
      inferenceProfileIdentifier: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input.TopicArn)).toEqual([
      `arn:aws:sns:eu-west-1:${ACCOUNT}:agenticai-staging-general`,
      `arn:aws:sns:eu-west-1:${ACCOUNT}:agenticai-staging-critical`,
      `arn:aws:sns:us-east-1:${ACCOUNT}:agenticai-account-general`,
      `arn:aws:sns:us-east-1:${ACCOUNT}:agenticai-account-critical`,
    ]);
  });

  it('an invalid configuration fails before any AWS call, naming the variable', async () => {
    delete process.env.AGENTICAI_ACCOUNT_STAGING;
    const { code, body } = await doctor();
    expect(code).toBe(1);
    expect(body.checks).toEqual([
      expect.objectContaining({
        check: 'configuration',
        status: 'fail',
        detail: expect.stringMatching(/set AGENTICAI_ACCOUNT_STAGING/),
      }),
    ]);
    expect(sts.calls()).toHaveLength(0);
    expect(output.stderr).toMatch(/1 check failed: configuration/);
  });

  it('credentials missing or for another account: fail, and nothing else is checked', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials'));
    let r = await doctor();
    expect(r.code).toBe(1);
    expect(r.check('credentials')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/no usable AWS credentials/),
    });
    expect(r.body.checks).toHaveLength(2);
    output.stdout = '';
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/x' });
    r = await doctor();
    expect(r.code).toBe(1);
    expect(r.check('credentials')).toMatchObject({
      status: 'fail',
      detail: `credentials reach account 999999999999, the configuration says ${ACCOUNT}`,
      fix: expect.stringMatching(/AGENTICAI_ACCOUNT_STAGING/),
    });
    expect(ssm.calls()).toHaveLength(0);
  });

  it('bootstrap: missing in us-east-1 fails with the exact command; too old fails; older than current warns', async () => {
    ssm.on(GetParameterCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient as never)) === 'us-east-1') throw awsError('ParameterNotFound');
      return { Parameter: { Value: '20' } };
    });
    let r = await doctor();
    expect(r.code).toBe(1);
    expect(r.check('bootstrap us-east-1')).toMatchObject({
      status: 'fail',
      fix: `npx cdk bootstrap aws://${ACCOUNT}/us-east-1`,
    });
    expect(r.check('bootstrap eu-west-1')).toMatchObject({
      status: 'warn',
      fix: `npx cdk bootstrap aws://${ACCOUNT}/eu-west-1`,
    });
    output.stdout = '';
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '5' } });
    r = await doctor();
    expect(r.check('bootstrap eu-west-1')).toMatchObject({
      status: 'fail',
      detail: 'bootstrap version 5 is too old',
    });
  });

  it('CURRENT_BOOTSTRAP_VERSION is what the pinned CDK CLI bootstraps', () => {
    const template = readFileSync(
      join(ROOT, 'node_modules/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml'),
      'utf8',
    );
    expect(/CdkBootstrapVersion:[\s\S]*?Value: '(\d+)'/.exec(template)![1]).toBe(
      String(CURRENT_BOOTSTRAP_VERSION),
    );
  });

  it("concurrency: a new account's quota of 10 warns; a reservation the account cannot hold fails", async () => {
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(r.check('lambda concurrency')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/quota 10/),
    });
    const config = parseEnvironment({
      name: 'production',
      account: ACCOUNT,
      region: 'eu-west-1',
      adminEmails: [ADMIN],
      api: { reservedConcurrency: 100 },
    });
    const check = await concurrency(new LambdaClient({ region: 'eu-west-1' }), config);
    expect(check).toMatchObject({
      status: 'fail',
      detail:
        'quota 10, 10 unreserved: reserving 100 for the API would leave fewer than 100 unreserved, which Lambda refuses',
    });
  });

  it('Bedrock: no access fails, a pending agreement warns, an unknown profile fails', async () => {
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
      modelId: 'm',
      authorizationStatus: 'NOT_AUTHORIZED',
      entitlementAvailability: 'AVAILABLE',
      regionAvailability: 'AVAILABLE',
      agreementAvailability: { status: 'NOT_AVAILABLE' },
    });
    let r = await doctor();
    expect(r.code).toBe(1);
    expect(r.check('bedrock model')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/request access to anthropic\.claude-haiku-4-5/),
    });
    output.stdout = '';
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
      modelId: 'm',
      authorizationStatus: 'AUTHORIZED',
      entitlementAvailability: 'AVAILABLE',
      regionAvailability: 'AVAILABLE',
      agreementAvailability: { status: 'PENDING' },
    });
    r = await doctor();
    expect(r.check('bedrock model').status).toBe('warn');
    output.stdout = '';
    bedrock.on(GetInferenceProfileCommand).rejects(awsError('ResourceNotFoundException'));
    r = await doctor();
    expect(r.check('bedrock model')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/does not exist in eu-west-1/),
    });
  });

  it('stacks: missing account and region stacks warn (the deploy creates them); a stack stuck in ROLLBACK_COMPLETE fails', async () => {
    cfn.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
      if (input.StackName === 'agenticai-staging')
        return {
          Stacks: [
            { StackName: input.StackName, StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date(0) },
          ],
        };
      throw awsError('ValidationError', `Stack with id ${input.StackName} does not exist`);
    });
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(r.check('stack agenticai-account (us-east-1)')).toMatchObject({
      status: 'warn',
      detail: 'not deployed yet',
    });
    expect(r.check('stack agenticai-region (eu-west-1)')).toMatchObject({ status: 'warn' });
    expect(r.check('stack agenticai-staging (eu-west-1)')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/delete-stack --stack-name agenticai-staging --region eu-west-1/),
    });
  });

  it('email subscriptions: unconfirmed warns, an undeployed topic warns, a missing address warns', async () => {
    sns.on(ListSubscriptionsByTopicCommand).callsFake(async (input: { TopicArn: string }) => {
      if (input.TopicArn.endsWith('agenticai-staging-general'))
        return {
          Subscriptions: [{ Protocol: 'email', Endpoint: ADMIN, SubscriptionArn: 'PendingConfirmation' }],
        };
      if (input.TopicArn.endsWith('agenticai-staging-critical')) return { Subscriptions: [] };
      throw awsError('NotFoundException', 'Topic does not exist');
    });
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(r.check('email subscriptions agenticai-staging-general')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/unconfirmed: oncall@acme-corp.com/),
    });
    expect(r.check('email subscriptions agenticai-staging-critical')).toMatchObject({
      status: 'warn',
      detail: `not subscribed: ${ADMIN}`,
    });
    expect(r.check('email subscriptions agenticai-account-general')).toMatchObject({
      status: 'warn',
      detail: 'topic not deployed yet',
    });
  });

  it('budget: missing warns; access denied anywhere fails as "could not check"', async () => {
    budgets.on(DescribeBudgetCommand).rejects(awsError('NotFoundException'));
    lambda.on(GetAccountSettingsCommand).rejects(awsError('AccessDeniedException'));
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(r.check('budget')).toMatchObject({ status: 'warn', detail: 'agenticai-monthly not found' });
    expect(r.check('lambda concurrency')).toMatchObject({
      status: 'fail',
      detail: 'could not read the Lambda account settings: AccessDeniedException',
    });
  });

  it('prints a table with the fix for humans; needs --env (usage error)', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    expect(await runCli(['--env', 'staging', 'doctor'])).toBe(1);
    expect(output.stdout).toMatch(
      /bootstrap eu-west-1 .*fail.*npx cdk bootstrap aws:\/\/222222222222\/eu-west-1/,
    );
    expect(output.stderr).toMatch(/2 checks failed: bootstrap eu-west-1, bootstrap us-east-1/);
    expect(await runCli(['doctor'])).toBe(2);
  });
});
