import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BudgetsClient,
  DescribeBudgetCommand,
  DescribeNotificationsForBudgetCommand,
} from '@aws-sdk/client-budgets';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeContinuousBackupsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetWebACLForResourceCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import type { TemplateCheck } from '../../src/readiness/check.ts';
import { TEMPLATE_CHECKS } from '../../src/readiness/checks/index.ts';
import { buildReport, renderMarkdown } from '../../src/readiness/report.ts';
import { REQUIREMENTS, requirementById } from '../../src/readiness/requirements.ts';
import { synthesizeTemplates } from '../../src/readiness/synthesize.ts';
import {
  type Json,
  type StackTemplate,
  type TemplateSet,
  templateSetFor,
} from '../../src/readiness/template-set.ts';
import { captureOutput } from '../support/capture-output.ts';
import { GetCanary, GetCanaryRuns, mockSynthetics } from '../support/synthetics-mock.ts';

/**
 * Gaps the checks find in today's infrastructure, each failing for the reason given. When the
 * infrastructure is fixed the test says so: delete the entry.
 */
/** Checks that fail on today's templates, with the reason (none at the moment: add one with its reason). */
const KNOWN_GAPS: Record<string, RegExp> = {};

const root = resolve(import.meta.dirname, '../..');
let stacks: StackTemplate[];
let assemblyDir: string;
let production: TemplateSet;

/** Writes stacks as a minimal cloud assembly (what `npm run synth` leaves in cdk.out). */
function writeAssembly(dir: string, templates: StackTemplate[]) {
  mkdirSync(dir, { recursive: true });
  const artifacts = Object.fromEntries(
    templates.map((s) => [
      s.stackName,
      {
        type: 'aws:cloudformation:stack',
        ...(s.region && { environment: `aws://000000000000/${s.region}` }),
        properties: { templateFile: `${s.stackName}.template.json` },
      },
    ]),
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
  for (const s of templates)
    writeFileSync(join(dir, `${s.stackName}.template.json`), JSON.stringify(s.template));
}

const clone = <T>(value: T): T => structuredClone(value);
const run = (check: TemplateCheck, set: TemplateSet) => check.run(set);
const check = (id: string) => TEMPLATE_CHECKS.find((c) => c.id === id)!;

// One synthesis for the whole file (no bundling: the checks read resources, not code).
beforeAll(async () => {
  stacks = await synthesizeTemplates();
  production = templateSetFor('production', stacks);
  assemblyDir = mkdtempSync(join(tmpdir(), 'agenticai-readiness-test-'));
  writeAssembly(join(assemblyDir, 'real'), stacks);
}, 180_000);
afterAll(() => rmSync(assemblyDir, { recursive: true, force: true }));

describe('template checks on the synthesized production template', () => {
  it('the production set holds its own stacks (incl. R11.5 its second canary region) and the shared account and region stacks, not the other environments', () => {
    expect(production.stacks.map((s) => s.stackName)).toEqual([
      'agenticai-account',
      'agenticai-production',
      'agenticai-production-canary-us-west-2',
      'agenticai-region',
    ]);
  });

  // A test title naming an ID is evidence for it, so only checks expected to pass name theirs.
  const notBuilt = (c: TemplateCheck) => c.requirements.every((r) => requirementById(r)?.notBuilt);
  const passing = TEMPLATE_CHECKS.filter((c) => !KNOWN_GAPS[c.id] && !notBuilt(c));

  it.each(passing.map((c) => [c.requirements.join('/'), c.id, c] as const))('%s %s passes', (_ids, id, c) => {
    const result = run(c, production);
    expect(result, id).toMatchObject({ status: 'pass' });
    expect(result.evidence.length).toBeGreaterThan(0);
  });

  if (Object.keys(KNOWN_GAPS).length > 0)
    it.each(Object.entries(KNOWN_GAPS))('known gap: %s fails for the documented reason', (id, reason) => {
      const result = run(check(id), production);
      expect(result.status, `${id} passes now: remove it from KNOWN_GAPS`).toBe('fail');
      expect(result.evidence).toMatch(reason);
    });

  it.each(TEMPLATE_CHECKS.filter(notBuilt).map((c) => [c.id, c] as const))(
    'check %s fails while its requirement is marked not built',
    (id, c) => {
      expect(run(c, production).status, `${id} passes: drop notBuilt from ${c.requirements.join(', ')}`).toBe(
        'fail',
      );
    },
  );

  it('every requirement a check names exists', () => {
    for (const c of TEMPLATE_CHECKS)
      for (const r of c.requirements) expect(requirementById(r), `${c.id}: ${r}`).toBeDefined();
    expect(new Set(TEMPLATE_CHECKS.map((c) => c.id)).size).toBe(TEMPLATE_CHECKS.length);
  });
});

// Tests of the checker itself name no requirement ID: they are not evidence that the product meets one.
describe('template checks catch a broken template', () => {
  const mutate = (edit: (resources: Record<string, Json>, all: StackTemplate[]) => void): TemplateSet => {
    const copy = clone(stacks);
    edit(copy.find((s) => s.stackName === 'agenticai-production')!.template.Resources!, copy);
    return templateSetFor('production', copy);
  };
  const ofType = (resources: Record<string, Json>, type: string) =>
    Object.values(resources).filter((r: Json) => r.Type === type) as Json[];

  it('point-in-time recovery off, or a 3-day period', () => {
    const off = mutate((r) => {
      for (const t of ofType(r, 'AWS::DynamoDB::GlobalTable'))
        t.Properties.Replicas[0].PointInTimeRecoverySpecification = undefined;
    });
    expect(run(check('pitr-enabled'), off)).toEqual({
      status: 'fail',
      evidence: 'agenticai-production-data: point-in-time recovery is off',
    });
    const short = mutate((r) => {
      for (const t of ofType(r, 'AWS::DynamoDB::GlobalTable'))
        t.Properties.Replicas[0].PointInTimeRecoverySpecification = {
          PointInTimeRecoveryEnabled: true,
          RecoveryPeriodInDays: 3,
        };
    });
    expect(run(check('pitr-period'), short).evidence).toBe(
      'agenticai-production-data: recovery period 3 days, below 7',
    );
  });

  it('an unversioned artifact bucket, non-current versions kept forever', () => {
    const set = mutate((r) => {
      for (const b of ofType(r, 'AWS::S3::Bucket')) {
        delete b.Properties.VersioningConfiguration;
        delete b.Properties.LifecycleConfiguration;
      }
    });
    expect(run(check('artifact-versioning'), set).evidence).toMatch(/^Artifacts\w+ is not versioned(; |$)/);
    expect(run(check('noncurrent-expiration'), set).evidence).toMatch(/non-current versions never expire/);
  });

  it('no web ACL association; SQL injection rule only counting; a looser rate limit', () => {
    const set = mutate((r) => {
      for (const [id, res] of Object.entries(r))
        if ((res as Json).Type === 'AWS::WAFv2::WebACLAssociation') delete r[id];
      for (const acl of ofType(r, 'AWS::WAFv2::WebACL'))
        for (const rule of acl.Properties.Rules) {
          if (rule.Name === 'AWSManagedRulesSQLiRuleSet') rule.OverrideAction = { Count: {} };
          if (rule.Statement.RateBasedStatement) rule.Statement.RateBasedStatement.Limit = 5000;
        }
    });
    expect(run(check('waf-association'), set).evidence).toMatch(/has no web ACL/);
    const rules = run(check('waf-rules'), set);
    expect(rules.evidence).toContain('AWSManagedRulesSQLiRuleSet not blocking');
    expect(rules.evidence).toContain('rate rule 5000 per 300 s');
  });

  it('a log group without retention, a wildcard action, an unencrypted queue', () => {
    const set = mutate((r) => {
      ofType(r, 'AWS::Logs::LogGroup')[0].Properties.RetentionInDays = undefined;
      ofType(r, 'AWS::IAM::Policy')[0].Properties.PolicyDocument.Statement.push({
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
      });
      ofType(r, 'AWS::SQS::Queue')[0].Properties.SqsManagedSseEnabled = false;
    });
    expect(run(check('log-retention'), set).evidence).toMatch(/retention never expires/);
    expect(run(check('least-privilege'), set).evidence).toMatch(/action s3:\*.*Resource \* for s3:\*/);
    expect(run(check('encryption-at-rest'), set).evidence).toMatch(
      /^queue agenticai-production-\S+ is not encrypted$/,
    );
  });

  it('a drifted alarm threshold and a function without an error-rate alarm', () => {
    const set = mutate((r) => {
      for (const a of ofType(r, 'AWS::CloudWatch::Alarm')) {
        if (a.Properties.AlarmName === 'agenticai-production-api-5xx-api') a.Properties.Threshold = 50;
      }
      for (const [id, a] of Object.entries(r))
        if ((a as Json).Properties?.AlarmName === 'agenticai-production-lambda-error-rate-worker')
          delete r[id];
    });
    expect(run(check('alarm-api-5xx'), set).evidence).toBe(
      'agenticai-production-api-5xx-api: threshold is 50, wanted 10',
    );
    expect(run(check('alarm-lambda-error-rate'), set).evidence).toMatch(
      /^function WorkerFunction\w+ has no lambda-error-rate alarm$/,
    );
  });

  it('budget notifications missing or without email', () => {
    const copy = clone(stacks);
    const account = copy.find((s) => s.stackName === 'agenticai-account')!.template.Resources!;
    const budget = Object.values(account).find((r) => r.Type === 'AWS::Budgets::Budget')!;
    const notifications = budget.Properties!.NotificationsWithSubscribers as Json[];
    budget.Properties!.NotificationsWithSubscribers = notifications
      .filter((n) => n.Notification.Threshold !== 80)
      .map((n) => ({ ...n, Subscribers: n.Subscribers.filter((s: Json) => s.SubscriptionType !== 'EMAIL') }));
    const set = templateSetFor('production', copy);
    expect(run(check('budget-actual-80'), set).evidence).toBe('no ACTUAL > 80 % notification');
    expect(run(check('budget-actual-100'), set).evidence).toBe('ACTUAL > 100 % notifies no email address');
  });

  it('a deployment group without automatic rollback, production all at once, an alias outside CodeDeploy', () => {
    const set = mutate((r) => {
      const [first, second] = ofType(r, 'AWS::CodeDeploy::DeploymentGroup');
      first.Properties.AutoRollbackConfiguration = { Enabled: false };
      second.Properties.DeploymentConfigName = 'CodeDeployDefault.LambdaAllAtOnce';
      delete ofType(r, 'AWS::Lambda::Alias')[0].UpdatePolicy;
    });
    const { status, evidence } = run(check('gradual-deployments'), set);
    expect(status).toBe('fail');
    expect(evidence).toMatch(/is not deployed through a CodeDeploy deployment group/);
    expect(evidence).toMatch(/: no automatic rollback on DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM/);
    expect(evidence).toMatch(/: production shifts all at once/);
  });

  it('a critical alarm left out of the composite; an untagged resource', () => {
    const set = mutate((r) => {
      const composite = ofType(r, 'AWS::CloudWatch::CompositeAlarm')[0];
      composite.Properties.AlarmRule = {
        'Fn::Join': ['', ['ALARM(', { 'Fn::GetAtt': ['Nothing', 'Arn'] }, ')']],
      };
      ofType(r, 'AWS::SQS::Queue')[0].Properties.Tags = [];
    });
    expect(run(check('system-health'), set).evidence).toMatch(/pages nobody/);
    expect(run(check('resource-tags'), set).evidence).toMatch(/^untagged: /);
  });
});

describe('an app split into several stacks per environment', () => {
  it('follows cross-stack references: the web ACL association in its own stack, importing the stage', () => {
    const copy = clone(stacks);
    const main = copy.find((s) => s.stackName === 'agenticai-production')!;
    const resources = main.template.Resources!;
    const [associationId, association] = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::WAFv2::WebACLAssociation',
    )!;
    const [stageId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGateway::Stage')!;
    delete resources[associationId];
    // What CDK writes when a construct in another stack refers to the stage.
    const exportName = `agenticai-production:ExportsOutputRef${stageId}`;
    (main.template as Record<string, Json>).Outputs = {
      ExportStage: { Value: { Ref: stageId }, Export: { Name: exportName } },
    };
    const props = association.Properties!;
    const edge: StackTemplate = {
      stackName: 'agenticai-production-edge',
      template: {
        Resources: {
          [associationId]: {
            ...association,
            Properties: {
              ...props,
              ResourceArn: JSON.parse(
                JSON.stringify(props.ResourceArn).replace(
                  JSON.stringify({ Ref: stageId }),
                  JSON.stringify({ 'Fn::ImportValue': exportName }),
                ),
              ),
            },
          },
        },
      },
    };
    const set = templateSetFor('production', [...copy, edge]);
    expect(set.stacks.map((s) => s.stackName)).toEqual([
      'agenticai-account',
      'agenticai-production',
      'agenticai-production-canary-us-west-2',
      'agenticai-region',
      'agenticai-production-edge',
    ]);
    expect(JSON.stringify(edge.template)).toContain('Fn::ImportValue');
    expect(run(check('waf-association'), set)).toMatchObject({ status: 'pass' });
    // Without resolving the import the association would point at nothing.
    const unresolved = [...copy, edge].filter((s) => set.stacks.some((t) => t.stackName === s.stackName));
    expect(run(check('waf-association'), { env: 'production', stacks: unresolved }).status).toBe('fail');
  });
});

describe('agenticai readiness', () => {
  const output = captureOutput();

  it('exits 0 when the required items pass, and prints the evidence as JSON', async () => {
    const code = await runCli([
      '--json',
      'readiness',
      '--templates',
      join(assemblyDir, 'real'),
      '--only',
      'R7.1,R7.3,R8.1',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(output.stdout);
    expect(report).toMatchObject({ env: 'production', ok: true, summary: { pass: 3, fail: 0 } });
    expect(report.requirements.map((r: Json) => [r.id, r.status])).toEqual([
      ['R7.1', 'pass'],
      ['R7.3', 'pass'],
      ['R8.1', 'pass'],
    ]);
    expect(report.requirements[1].checks[0].evidence).toBe(
      'agenticai-production-data: recovery period 35 days',
    );
  });

  it('exits 3 on a template mutated to break a check, and says why', async () => {
    const broken = clone(stacks);
    for (const r of Object.values(
      broken.find((s) => s.stackName === 'agenticai-production')!.template.Resources!,
    ))
      if (r.Type === 'AWS::DynamoDB::GlobalTable')
        r.Properties!.Replicas[0].PointInTimeRecoverySpecification = undefined;
    writeAssembly(join(assemblyDir, 'broken'), broken);
    const code = await runCli([
      'readiness',
      '--templates',
      join(assemblyDir, 'broken'),
      '--only',
      'R7.1,R7.2',
    ]);
    expect(code).toBe(3);
    expect(output.stdout).toMatch(/R7\.1 .*fail/);
    expect(output.stdout).toContain('point-in-time recovery is off');
    expect(output.stderr).toBe(
      'agenticai: not ready: production: 1 pass, 1 fail, 0 not applicable, 0 not built, 0 no evidence\n',
    );
  });

  it('counts the tests of a report per requirement: a failed test fails its requirement (exit 3)', async () => {
    const fixture = join(import.meta.dirname, '../fixtures/readiness/vitest-report.json');
    const code = await runCli([
      '--json',
      'readiness',
      '--env',
      'staging',
      '--templates',
      join(assemblyDir, 'real'),
      '--tests',
      fixture,
      '--only',
      'R1.1,R1.3,R7.1',
    ]);
    expect(code).toBe(3);
    const report = JSON.parse(output.stdout);
    expect(report.env).toBe('staging');
    expect(report.unmappedTests).toBe(1);
    expect(report.requirements.map((r: Json) => [r.id, r.status, r.tests.passed, r.tests.failed])).toEqual([
      ['R1.1', 'pass', 2, 0],
      ['R1.3', 'fail', 1, 1],
      ['R7.1', 'pass', 0, 0],
    ]);
  });

  // Any requirement still marked not built (R12.5 was, until its rollback command existed).
  const pending = REQUIREMENTS.find((r) => r.notBuilt);
  it.runIf(pending)(
    '--strict also fails on requirements not built; --format md prints the markdown table',
    async () => {
      if (!pending) return;
      const code = await runCli([
        'readiness',
        '--templates',
        join(assemblyDir, 'real'),
        '--only',
        `R7.1,${pending.id}`,
        '--strict',
        '--format',
        'md',
      ]);
      expect(code).toBe(3);
      expect(output.stdout).toContain(`| ${pending.id} | ${pending.title} | not built |`);
    },
  );

  it('bad input is a clear usage error: unknown ID, --env local, unreadable test report, missing assembly', async () => {
    const real = join(assemblyDir, 'real');
    expect(await runCli(['readiness', '--templates', real, '--only', 'R99.9'])).toBe(2);
    expect(output.stderr).toContain('unknown requirement R99.9');
    expect(await runCli(['--env', 'local', 'readiness', '--templates', real])).toBe(2);
    expect(await runCli(['readiness', '--templates', real, '--tests', join(assemblyDir, 'nope.json')])).toBe(
      2,
    );
    expect(output.stderr).toContain('cannot read test report');
    expect(await runCli(['readiness', '--templates', join(assemblyDir, 'nowhere')])).toBe(1);
    expect(output.stderr).toContain('run npm run synth first');
    expect(await runCli(['readiness', '--templates', real, '--format', 'xml'])).toBe(2);
    expect(output.stdout).toBe('');
  });
});

describe('agenticai readiness --live (read-only AWS calls, SDK mocks)', () => {
  const sts = mockClient(STSClient);
  const dynamodb = mockClient(DynamoDBClient);
  const cloudwatch = mockClient(CloudWatchClient);
  const logs = mockClient(CloudWatchLogsClient);
  const sqs = mockClient(SQSClient);
  const budgets = mockClient(BudgetsClient);
  const sns = mockClient(SNSClient);
  const ssm = mockClient(SSMClient);
  const cfn = mockClient(CloudFormationClient);
  const waf = mockClient(WAFV2Client);
  const synthetics = mockSynthetics();
  const mocks = [sts, dynamodb, cloudwatch, logs, sqs, budgets, sns, ssm, cfn, waf, synthetics];
  const NOW = new Date('2026-11-23T10:00:00.000Z');
  const output = captureOutput();
  const only = 'R3.2,R5.1,R5.2,R7.1,R9.3,C5,C10';
  const templateAlarms = () =>
    production.stacks
      .flatMap((s) => Object.values(s.template.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => String(r.Properties!.AlarmName));

  /** A healthy deployment: everything the template declares exists, OK, retained, empty. */
  function healthy() {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/ops/session',
    });
    sns.on(ListSubscriptionsByTopicCommand).callsFake((input) => ({
      Subscriptions: [
        {
          TopicArn: input.TopicArn,
          Protocol: 'email',
          Endpoint: 'oncall@example.com',
          SubscriptionArn: `${input.TopicArn}:0b6c9a52-0000-4000-8000-000000000001`,
        },
      ],
    }));
    // The API's id and its stage's name, as CloudFormation describes the stack's resources.
    cfn.on(DescribeStackResourceCommand).callsFake((input) => ({
      StackResourceDetail: {
        StackName: input.StackName,
        LogicalResourceId: input.LogicalResourceId,
        PhysicalResourceId: input.LogicalResourceId.includes('Stage') ? 'v1' : 'a1b2c3d4e5',
        ResourceType: 'AWS::ApiGateway::RestApi',
        LastUpdatedTimestamp: NOW,
        ResourceStatus: 'UPDATE_COMPLETE',
      },
    }));
    waf.on(GetWebACLForResourceCommand).resolves({
      WebACL: {
        Name: 'agenticai-production',
        Id: 'id',
        ARN: 'arn',
        DefaultAction: { Allow: {} },
        VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'm' },
      },
    });
    synthetics.on(GetCanary).resolves({
      Canary: {
        Name: 'agenticai-production',
        Status: { State: 'RUNNING' },
        Schedule: { Expression: 'rate(5 minutes)' },
      },
    });
    synthetics.on(GetCanaryRuns).resolves({
      CanaryRuns: [
        {
          Status: { State: 'PASSED' },
          Timeline: {
            Started: new Date('2026-11-23T09:56:00Z'),
            Completed: new Date('2026-11-23T09:56:30Z'),
          },
        },
      ],
    });
    ssm.on(GetParameterCommand).resolves({
      Parameter: {
        Value: JSON.stringify({
          startedAt: '2026-11-13T09:00:00.000Z',
          finishedAt: '2026-11-13T09:40:00.000Z',
          result: 'pass',
          sourceTable: 'agenticai-production-data',
          restoredToTime: '2026-11-13T08:59:00.000Z',
          rtoSeconds: 2400,
          rpoSeconds: 60,
          itemsSource: 1200,
          itemsRestored: 1200,
          sampleSize: 50,
          sampleMismatches: 0,
        }),
      },
    });
    dynamodb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          RecoveryPeriodInDays: 35,
          EarliestRestorableDateTime: new Date('2026-10-19T00:00:00Z'),
        },
      },
    });
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: templateAlarms().map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
      CompositeAlarms: [{ AlarmName: 'agenticai-production-system-health', StateValue: 'OK' }],
    });
    logs.on(DescribeLogGroupsCommand).callsFake((input) => ({
      logGroups: [{ logGroupName: input.logGroupNamePrefix, retentionInDays: 30 }],
    }));
    sqs.on(GetQueueUrlCommand).callsFake((input) => ({ QueueUrl: `https://sqs.local/${input.QueueName}` }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    budgets.on(DescribeBudgetCommand).resolves({
      Budget: {
        BudgetName: 'agenticai-monthly',
        BudgetLimit: { Amount: '50.0', Unit: 'USD' },
        TimeUnit: 'MONTHLY',
        BudgetType: 'COST',
        CalculatedSpend: { ActualSpend: { Amount: '12.5', Unit: 'USD' } },
      },
    });
    budgets.on(DescribeNotificationsForBudgetCommand).resolves({
      Notifications: [
        {
          NotificationType: 'ACTUAL',
          ComparisonOperator: 'GREATER_THAN',
          Threshold: 80,
          NotificationState: 'OK',
        },
        {
          NotificationType: 'ACTUAL',
          ComparisonOperator: 'GREATER_THAN',
          Threshold: 100,
          NotificationState: 'OK',
        },
      ],
    });
  }
  const live = () =>
    runCli([
      '--json',
      '--region',
      'eu-west-1',
      'readiness',
      '--templates',
      join(assemblyDir, 'real'),
      '--live',
      '--only',
      only,
    ]);

  beforeEach(() => {
    for (const m of mocks) m.reset();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('a healthy deployment passes, with live evidence next to the template checks, through read-only calls only', async () => {
    healthy();
    expect(await live()).toBe(0);
    const report = JSON.parse(output.stdout);
    const evidence = (id: string) =>
      report.requirements.find((r: Json) => r.id === id).checks.map((c: Json) => c.check);
    expect(evidence('R7.1')).toEqual(['pitr-enabled', 'live:pitr']);
    expect(report.requirements.find((r: Json) => r.id === 'R7.1').checks[1].evidence).toBe(
      'agenticai-production-data: ENABLED, 35 days, restorable from 2026-10-19T00:00:00.000Z',
    );
    expect(report.requirements.find((r: Json) => r.id === 'R5.1').checks[1].evidence).toBe(
      'agenticai-monthly: 50.0 USD per month, 12.5 USD spent',
    );
    expect(evidence('C10')).toEqual(['dead-letter-queues', 'live:dead-letters']);
    expect(dynamodb.commandCalls(DescribeContinuousBackupsCommand)[0]!.args[0].input).toEqual({
      TableName: 'agenticai-production-data',
    });
    expect(budgets.commandCalls(DescribeBudgetCommand)[0]!.args[0].input).toEqual({
      AccountId: '123456789012',
      BudgetName: 'agenticai-monthly',
    });
    // Each named log group and DLQ of the template was looked up; only Describe/Get calls were made.
    const named = production.stacks
      .flatMap((s) => Object.values(s.template.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::Logs::LogGroup' && typeof r.Properties?.LogGroupName === 'string');
    expect(named.length).toBeGreaterThan(0);
    expect(
      logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.logGroupNamePrefix),
    ).toEqual(named.map((r) => r.Properties!.LogGroupName));
    expect(sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input.QueueName)).toContain(
      'agenticai-production-pm-dlq',
    );
    for (const m of mocks)
      for (const call of m.calls())
        expect(call.args[0].constructor.name).toMatch(/^(Describe|Get|List)\w+Command$/);
  });

  it('PITR disabled, an alarm firing, a missing alarm, dead letters waiting: exit 3 with each reason', async () => {
    healthy();
    dynamodb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: templateAlarms()
        .filter((n) => n !== 'agenticai-production-api-latency-api')
        .map((AlarmName) => ({
          AlarmName,
          StateValue: AlarmName === 'agenticai-production-api-5xx-api' ? 'ALARM' : 'OK',
          StateUpdatedTimestamp: new Date('2026-11-23T05:00:00Z'),
        })),
      CompositeAlarms: [
        { AlarmName: 'agenticai-production-system-health', StateValue: 'ALARM', StateReason: 'api-5xx' },
      ],
    });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    expect(
      await runCli([
        '--json',
        '--region',
        'eu-west-1',
        'readiness',
        '--templates',
        join(assemblyDir, 'real'),
        '--live',
        '--only',
        `${only},R4.2`,
      ]),
    ).toBe(3);
    const report = JSON.parse(output.stdout);
    const live = (id: string) =>
      report.requirements
        .find((r: Json) => r.id === id)
        .checks.find((c: Json) => c.check.startsWith('live:'));
    expect(live('R7.1')).toMatchObject({
      status: 'fail',
      evidence: 'agenticai-production-data: point-in-time recovery DISABLED',
    });
    expect(live('R3.2').evidence).toBe(
      'agenticai-production-api-5xx-api in ALARM since 2026-11-23T05:00:00.000Z',
    );
    expect(live('R4.2').evidence).toBe('agenticai-production-api-latency-api not deployed');
    expect(live('C5').evidence).toBe('agenticai-production-system-health ALARM: api-5xx');
    expect(live('C10').evidence).toMatch(
      /agenticai-production-pm-dlq: 4 dead letters \(agenticai dlq list\)/,
    );
    expect(report.requirements.find((r: Json) => r.id === 'R9.3').status).toBe('pass');
    expect(output.stderr).toMatch(/^agenticai: not ready: production: /);
  });

  it('R3.4 R8.1 R11.1 R7.5 every live check through the CLI: all healthy exits 0; one pending subscription exits 3 with only R3.4/C4 failing', async () => {
    // The age checks (canary runs, restore drill) compare with the clock: pin it.
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    healthy();
    const all = () =>
      runCli([
        '--json',
        '--region',
        'eu-west-1',
        'readiness',
        '--templates',
        join(assemblyDir, 'real'),
        '--live',
      ]);
    expect(await all()).toBe(0);
    const report = JSON.parse(output.stdout);
    const liveOf = (r: Json) => r.checks.filter((c: Json) => c.check.startsWith('live:'));
    const checked = report.requirements.filter((r: Json) => liveOf(r).length > 0);
    for (const r of checked)
      expect(liveOf(r), r.id).toEqual(liveOf(r).map((c: Json) => ({ ...c, status: 'pass' })));
    const evidence = (id: string, check: string) =>
      report.requirements.find((r: Json) => r.id === id).checks.find((c: Json) => c.check === check)
        ?.evidence;
    expect(evidence('R8.1', 'live:waf-association')).toBe(
      'stage v1 of API a1b2c3d4e5 (eu-west-1) behind web ACL agenticai-production',
    );
    expect(evidence('R11.1', 'live:canary-runs')).toBe(
      'agenticai-production (eu-west-1): last run PASSED at 2026-11-23T09:56:30.000Z, rate(5 minutes); ' +
        'agenticai-production (us-west-2): last run PASSED at 2026-11-23T09:56:30.000Z, rate(5 minutes)',
    );
    expect(evidence('R7.5', 'live:restore-drill')).toMatch(
      /^last drill passed 2026-11-13T09:40:00.000Z \(10 days ago\)/,
    );
    expect(evidence('R3.4', 'live:alert-subscriptions')).toMatch(/^4 email subscription\(s\) confirmed/);
    // The account topics are read in the account stack's region (from the assembly), the rest in --region.
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input.TopicArn)).toEqual(
      expect.arrayContaining([
        'arn:aws:sns:us-east-1:123456789012:agenticai-account-critical',
        'arn:aws:sns:eu-west-1:123456789012:agenticai-production-critical',
      ]),
    );
    for (const m of mocks)
      for (const call of m.calls())
        expect(call.args[0].constructor.name).toMatch(/^(Describe|Get|List)\w+Command$/);

    output.stdout = '';
    sns.on(ListSubscriptionsByTopicCommand).callsFake((input) => ({
      Subscriptions: [
        {
          TopicArn: input.TopicArn,
          Protocol: 'email',
          Endpoint: 'oncall@example.com',
          SubscriptionArn: input.TopicArn.endsWith('production-critical')
            ? 'PendingConfirmation'
            : `${input.TopicArn}:0b6c9a52-0000-4000-8000-000000000001`,
        },
      ],
    }));
    expect(await all()).toBe(3);
    const failing = JSON.parse(output.stdout).requirements.filter((r: Json) => r.status === 'fail');
    expect(failing.map((r: Json) => r.id)).toEqual(['R3.4', 'C4']);
    expect(failing[0].checks.find((c: Json) => c.check === 'live:alert-subscriptions').evidence).toBe(
      'agenticai-production-critical: o***@example.com pending confirmation',
    );
    expect(output.stdout).not.toContain('oncall@');
  });

  it('an AWS error in one check fails that check with the error, not the command', async () => {
    healthy();
    const denied = Object.assign(new Error('not authorized to perform: budgets:ViewBudget'), {
      name: 'AccessDeniedException',
    });
    budgets.on(DescribeBudgetCommand).rejects(denied);
    expect(await live()).toBe(3);
    const report = JSON.parse(output.stdout);
    const budget = report.requirements.find((r: Json) => r.id === 'R5.1').checks[1];
    expect(budget).toMatchObject({
      status: 'fail',
      evidence: 'agenticai-monthly: AccessDeniedException: not authorized to perform: budgets:ViewBudget',
    });
  });

  it('no credentials: exit 1 with what to do, and nothing on stdout', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(await live()).toBe(1);
    expect(output.stderr).toContain('no AWS credentials found');
    expect(output.stdout).toBe('');
  });
});

describe('docs/READINESS.md', () => {
  it('is the offline report of production: regenerate it with npm run docs', () => {
    expect(readFileSync(join(root, 'docs/READINESS.md'), 'utf8')).toBe(
      renderMarkdown(buildReport(production)),
    );
  });
});
