import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { InfraConfigError, parseEnvironment } from '../../infra/config.ts';
import { API_SECURITY_POLICY } from '../../infra/constructs/secure-rest-api.ts';
import { loadEnvironments } from '../../infra/environments.ts';
import { isArtifactBucketLogicalId } from '../../src/naming.ts';
import { ALARM_CATALOG, thresholdFor } from '../../src/observability/alarm-catalog.ts';
import { ROOT } from '../support/server-process.ts';
import { NO_BUNDLING, synthesizeFromEnv } from './synth.ts';

// Synthesize once for the whole file (bundling and nag run once on 2 cores), with DEPLOYMENT.md's
// one-account exports.
const ADMIN = 'oncall@acme-corp.com';
let synth: ReturnType<typeof synthesizeFromEnv>;
let synthError: unknown;
let built: ReturnType<typeof synthesizeFromEnv>['built'];
let outdir: string;
const templates: Record<string, Template> = {};

beforeAll(() => {
  synth = synthesizeFromEnv(
    { AGENTICAI_ACCOUNT: '111111111111', AGENTICAI_ADMIN_EMAILS: ADMIN },
    { bundle: true },
  );
  ({ built, outdir, synthError } = synth);
  Object.assign(templates, synth.templates);
}, 120_000);
afterAll(() => synth?.cleanup());

const envStacks = ['agenticai-dev', 'agenticai-staging', 'agenticai-production'] as const;
const t = (name: string) => templates[name]!;
/** A template string value, with `Fn::Join` parts that are references shown as `<ref>`. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join
    ? join[1].map((part) => (typeof part === 'string' ? part : '<ref>')).join(join[0])
    : JSON.stringify(value);
};
const resources = (template: Template, type: string) =>
  Object.values(template.findResources(type)) as { Properties: Record<string, any> }[];

describe('CDK app', () => {
  it('synthesizes every environment with zero unacknowledged cdk-nag findings (AwsSolutions, Serverless)', () => {
    expect(synthError).toBeUndefined();
    // The validation report also carries the bundled CloudFormation validator's findings.
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
    expect(Object.keys(templates).sort()).toEqual([
      'agenticai-account',
      'agenticai-dev',
      'agenticai-production',
      'agenticai-production-canary-us-west-2',
      'agenticai-region-us-east-1',
      'agenticai-staging',
    ]);
  });

  it('no construct carries a warning or error annotation (the validator and CDK have nothing to report)', () => {
    for (const stack of [...built.accounts, ...built.regions, ...built.stacks, ...built.canaries]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  it("R9.3 no CDK helper functions (custom resources) but dev's bucket emptier, whose log group is created first with 30 days", () => {
    for (const [name, template] of Object.entries(templates)) {
      const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      );
      expect(
        types.filter((type) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource'),
        name,
      ).toEqual(
        // The artifact, access-log and canary buckets.
        name === 'agenticai-dev' ? Array(3).fill('Custom::S3AutoDeleteObjects') : [],
      );
    }
    const dev = t('agenticai-dev').toJSON().Resources as Record<string, any>;
    const [handlerId] = Object.entries(dev).find(([id]) =>
      id.startsWith('CustomS3AutoDeleteObjectsCustomResourceProviderHandler'),
    )!;
    const group = Object.entries(dev).find(
      ([, r]) =>
        r.Type === 'AWS::Logs::LogGroup' &&
        JSON.stringify(r.Properties.LogGroupName ?? '').includes(handlerId),
    )!;
    expect(group[1].Properties.RetentionInDays).toBe(30);
    for (const emptier of Object.values(dev).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects'))
      expect(emptier.DependsOn).toContain(group[0]);
  });

  it('stacks by scope: budget and anomaly detection per account in us-east-1, the API Gateway CloudWatch role per account and region, the rest per environment', () => {
    const account = t('agenticai-account');
    const region = t('agenticai-region-us-east-1');
    account.resourceCountIs('AWS::Budgets::Budget', 1);
    account.resourceCountIs('AWS::CE::AnomalyMonitor', 1);
    account.resourceCountIs('AWS::CE::AnomalySubscription', 1);
    account.resourceCountIs('AWS::ApiGateway::Account', 0);
    region.resourceCountIs('AWS::ApiGateway::Account', 1);
    for (const type of ['AWS::Budgets::Budget', 'AWS::CE::AnomalyMonitor', 'AWS::CE::AnomalySubscription'])
      region.resourceCountIs(type, 0);
    for (const name of envStacks) {
      for (const type of [
        'AWS::ApiGateway::Account',
        'AWS::Budgets::Budget',
        'AWS::CE::AnomalyMonitor',
        'AWS::CE::AnomalySubscription',
      ])
        t(name).resourceCountIs(type, 0);
    }
    expect(
      synth.stacks.map(({ id, stackName, account, region, dependencies }) => ({
        id,
        stackName,
        account,
        region,
        dependencies,
      })),
    ).toEqual([
      {
        id: 'agenticai-account',
        stackName: 'agenticai-account',
        account: '111111111111',
        region: 'us-east-1',
        dependencies: [],
      },
      {
        id: 'agenticai-region-us-east-1',
        stackName: 'agenticai-region',
        account: '111111111111',
        region: 'us-east-1',
        dependencies: [],
      },
      ...envStacks.map((id) => ({
        id,
        stackName: id,
        account: '111111111111',
        region: 'us-east-1',
        dependencies: ['agenticai-account', 'agenticai-region-us-east-1'],
      })),
      // R11.5: production's second canary region, after the environment stack it reads from.
      {
        id: 'agenticai-production-canary-us-west-2',
        stackName: 'agenticai-production-canary-us-west-2',
        account: '111111111111',
        region: 'us-west-2',
        dependencies: ['agenticai-production'],
      },
    ]);
  });
});

describe.each(envStacks)('%s', (name) => {
  const template = () => t(name);
  const env = name.replace('agenticai-', '');
  // api, worker, sweeper, and the Slack notifier where the environment's cost profile keeps it.
  const functionCount = () => (built.stacks.find((s) => s.stackName === name)!.notifierFunction ? 4 : 3);

  it('R7.1/R7.3 the data table has point-in-time recovery for at least 7 days', () => {
    const tables = resources(template(), 'AWS::DynamoDB::GlobalTable');
    const data = tables.find((r) => r.Properties.TableName === `${name}-data`)!;
    const spec = data.Properties.Replicas[0].PointInTimeRecoverySpecification;
    expect(spec.PointInTimeRecoveryEnabled).toBe(true);
    expect(spec.RecoveryPeriodInDays).toBeGreaterThanOrEqual(7);
    if (env === 'production') expect(spec.RecoveryPeriodInDays).toBe(35);
    const counters = tables.find((r) => r.Properties.TableName === `${name}-counters`)!;
    expect(counters.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
  });

  it('R7.2/R7.4 the artifact bucket is versioned and keeps non-current versions 30 days', () => {
    template().hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
        ]),
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('R7.5 `backup status` and `restore object` find the artifact bucket by its logical id, and only it', () => {
    const buckets = Object.entries(template().findResources('AWS::S3::Bucket'));
    const matching = buckets.filter(([id]) => isArtifactBucketLogicalId(id));
    expect(matching).toHaveLength(1);
    expect(matching[0]![1].Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('stateful resources are retained in staging and production except after a failed create; dev destroys cleanly', () => {
    const all = template().toJSON().Resources as Record<string, any>;
    const policyOf = (type: string, match: (r: any) => boolean = () => true) =>
      Object.values(all)
        .filter((r) => r.Type === type && match(r))
        .map((r) => [r.DeletionPolicy ?? 'Delete', r.UpdateReplacePolicy ?? 'Delete']);
    const kept = env === 'dev' ? ['Delete', 'Delete'] : ['RetainExceptOnCreate', 'Retain'];
    const data = (r: any) => r.Properties.TableName === `${name}-data`;
    expect(policyOf('AWS::DynamoDB::GlobalTable', data)).toEqual([kept]);
    // A protected table cannot be rolled back after a failed create: protection is a later, opt-in step.
    expect(
      all[Object.keys(all).find((id) => data(all[id]))!].Properties.Replicas[0].DeletionProtectionEnabled,
    ).toBe(false);
    // Artifacts, their access logs, and the canary's run artifacts.
    expect(policyOf('AWS::S3::Bucket')).toEqual([kept, kept, kept]);
    // Without the pepper no stored key hash verifies: it lives exactly as long as the table.
    expect(
      policyOf('AWS::SecretsManager::Secret', (r) => r.Properties.Name === `agenticai/${env}/key-pepper`),
    ).toEqual([kept]);
    // A plain Retain would survive a failed create and block the retry ("already exists").
    for (const [id, r] of Object.entries(all)) expect([id, r.DeletionPolicy]).not.toEqual([id, 'Retain']);
    if (env === 'dev') {
      for (const [id, r] of Object.entries(all))
        expect([id, r.DeletionPolicy ?? 'Delete']).toEqual([id, 'Delete']);
      // Buckets holding objects are emptied first, or the delete would fail.
      expect(resources(template(), 'Custom::S3AutoDeleteObjects')).toHaveLength(3);
    }
  });

  it('R8.3/R8.5 HTTPS only with TLS 1.2+: API security policy, bucket and queue policies deny plain transport', () => {
    template().hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: API_SECURITY_POLICY,
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    for (const policy of resources(template(), 'AWS::S3::BucketPolicy')) {
      const denies = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny');
      expect(denies.some((s: any) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    }
    const artifactPolicy = resources(template(), 'AWS::S3::BucketPolicy').find((p) =>
      p.Properties.PolicyDocument.Statement.some((s: any) => s.Condition?.NumericLessThan?.['s3:TlsVersion']),
    );
    expect(artifactPolicy).toBeDefined();
    const queuePolicies = resources(template(), 'AWS::SQS::QueuePolicy');
    // Every queue (stage queues, DLQs, the sweeper's and the alert-delivery DLQ) has a TLS-only policy.
    expect(queuePolicies.length).toBe(resources(template(), 'AWS::SQS::Queue').length);
    for (const policy of queuePolicies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('R8.4 encryption at rest: tables, buckets, queues', () => {
    for (const table of resources(template(), 'AWS::DynamoDB::GlobalTable')) {
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    }
    for (const bucket of resources(template(), 'AWS::S3::Bucket')) {
      expect(
        bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
          .SSEAlgorithm,
      ).toMatch(/aws:kms|AES256/);
    }
    for (const queue of resources(template(), 'AWS::SQS::Queue'))
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('R8.6 least privilege: no "*" or "service:*" actions; "*" resources only for X-Ray', () => {
    const statements = resources(template(), 'AWS::IAM::Policy').flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    // Dev's bucket emptier (CDK's own provider, dev only) empties buckets by design: its role is
    // checked in the retention test, not here.
    const roles = Object.entries(template().findResources('AWS::IAM::Role'))
      .filter(([id]) => !id.startsWith('CustomS3AutoDeleteObjectsCustomResourceProvider'))
      .map(([, r]) => r as { Properties: Record<string, any> });
    if (env !== 'dev')
      expect(roles).toHaveLength(Object.keys(template().findResources('AWS::IAM::Role')).length);
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions: string[] = [statement.Action].flat();
      for (const action of actions) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
      const targets = [statement.Resource].flat();
      if (targets.includes('*')) expect(actions.every((a) => a.startsWith('xray:'))).toBe(true);
    }
  });

  it('R9.2 C1 functions: JSON logs, X-Ray, newest Node.js runtime, arm64, Powertools settings', () => {
    const functions = resources(template(), 'AWS::Lambda::Function').filter(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(functions).toHaveLength(functionCount());
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: {
          LogFormat: 'JSON',
          SystemLogLevel: 'INFO',
          LogGroup: { Ref: expect.stringMatching(/Logs/) },
        },
      });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^agenticai-/),
        AGENTICAI_ENV: env,
        AGENTICAI_MODE: 'aws',
      });
    }
  });

  it('R9.3 every log group is retained 30 days, API Gateway execution logs included', () => {
    const groups = resources(template(), 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
    const names = groups.map((g) => JSON.stringify(g.Properties.LogGroupName ?? ''));
    expect(names.some((n) => n.includes('API-Gateway-Execution-Logs_'))).toBe(true);
    template().hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: Match.anyValue(),
        }),
      ]),
    });
  });

  it('C10 queues: one per stage with a DLQ after 3 receives and visibility 6× the worker timeout', () => {
    const queues = resources(template(), 'AWS::SQS::Queue');
    const stageQueues = queues.filter((q) => q.Properties.RedrivePolicy);
    expect(stageQueues.map((q) => q.Properties.QueueName).sort()).toEqual(
      ['dev', 'ops', 'pm', 'qa'].map((s) => `${name}-${s}`),
    );
    for (const q of stageQueues) {
      expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(3);
      expect(q.Properties.VisibilityTimeout).toBe(300 * 6);
    }
    template().resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: Match.anyValue() },
      },
      4,
    );
  });

  it('rollback by alias (the groundwork for R12.5): the API and the event sources target the `live` alias', () => {
    template().resourceCountIs('AWS::Lambda::Alias', functionCount());
    template().hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    const mappings = resources(template(), 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(4);
    for (const mapping of mappings) {
      expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/Live/);
    }
    const methods = resources(template(), 'AWS::ApiGateway::Method');
    expect(methods.length).toBe(2);
    for (const method of methods) expect(JSON.stringify(method.Properties.Integration.Uri)).toMatch(/Live/);
  });

  it('C2 secrets: the key-hash pepper is generated in Secrets Manager and only the API reads it', () => {
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `agenticai/${env}/key-pepper`,
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: '1',
        SecretStringTemplate: '{"current":1}',
      }),
    });
  });

  it('concurrency: no reserved concurrency unless an environment opts in (a new account with quota 10 cannot hold any)', () => {
    const functions = resources(template(), 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(functionCount());
    for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('C15 tags: every taggable resource carries Application and Environment', () => {
    const tagged = Object.values(
      template().toJSON().Resources as Record<string, { Properties?: { Tags?: unknown } }>,
    )
      .map((r) => r.Properties?.Tags)
      .filter((tags): tags is { Key: string; Value: string }[] => Array.isArray(tags));
    expect(tagged.length).toBeGreaterThan(10);
    for (const tags of tagged) {
      expect(tags).toEqual(
        expect.arrayContaining([
          { Key: 'Application', Value: 'AgenticAI' },
          { Key: 'Environment', Value: env },
        ]),
      );
    }
  });
});

describe('C16 environment configuration (one zod-validated schema)', () => {
  const valid = { name: 'dev', account: '123456789012', region: 'eu-west-1', adminEmails: [ADMIN] };

  it('applies documented defaults', () => {
    expect(parseEnvironment(valid)).toMatchObject({
      monthlyBudgetUsd: 50,
      pitrRecoveryPeriodDays: 35,
      canaryRegions: ['eu-west-1'],
      retainData: false,
      api: { throttleRateLimit: 1000, throttleBurstLimit: 2000 },
    });
    expect(parseEnvironment({ ...valid, name: 'production' }).retainData).toBe(true);
  });

  it.each([
    [{ account: '123' }, 'account'],
    [{ region: 'mars-1' }, 'region'],
    [{ name: 'staging', adminEmails: [] }, 'AGENTICAI_ADMIN_EMAILS'],
    [{ name: 'production', adminEmails: ['ops@example.com'] }, 'ops@example.com is a placeholder'],
    [{ name: 'staging', adminEmails: ['alerts@agenticai.invalid'] }, 'placeholder'],
    [{ adminEmails: ['not-an-email'] }, 'adminEmails.0'],
    [{ pitrRecoveryPeriodDays: 3 }, 'pitrRecoveryPeriodDays'],
    [{ name: 'qa' }, 'name'],
    [{ unknownSetting: true }, '(root)'],
  ])('rejects %o naming the field %s', (patch, field) => {
    expect(() => parseEnvironment({ ...valid, ...patch })).toThrow(InfraConfigError);
    expect(() => parseEnvironment({ ...valid, ...patch })).toThrow(field);
  });
});

describe('optional custom domain', () => {
  it('R8.5 uses TLS 1.2 and disables the execute-api endpoint', async () => {
    const { buildApp: build } = await import('../../infra/app.ts');
    const config = parseEnvironment({
      name: 'staging',
      account: '123456789012',
      region: 'eu-west-1',
      adminEmails: [ADMIN],
      customDomain: {
        domainName: 'api.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'agenticai-cdk-domain-'));
    try {
      const { stacks } = build([config], { outdir: dir, context: NO_BUNDLING });
      const template = Template.fromStack(stacks[0]!);
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'api.example.com',
        SecurityPolicy: 'TLS_1_2',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('opt-in settings (issue 11)', () => {
  it('reserved concurrency, table deletion protection and source maps only when an environment opts in', () => {
    const config = parseEnvironment({
      name: 'production',
      account: '123456789012',
      region: 'eu-west-1',
      adminEmails: [ADMIN],
      api: { reservedConcurrency: 50 },
      tableDeletionProtection: true,
      sourceMaps: true,
      bedrockModelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    });
    const dir = mkdtempSync(join(tmpdir(), 'agenticai-cdk-optin-'));
    try {
      const { stacks } = buildApp([config], { outdir: dir, context: NO_BUNDLING });
      const template = Template.fromStack(stacks[0]!);
      const functions = resources(template, 'AWS::Lambda::Function');
      const api = functions.find(
        (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'agenticai-api',
      )!;
      expect(api.Properties.ReservedConcurrentExecutions).toBe(50);
      for (const fn of functions)
        expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      const data = resources(template, 'AWS::DynamoDB::GlobalTable').find(
        (r) => r.Properties.TableName === 'agenticai-production-data',
      )!;
      expect(data.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
      // A plain model id: the foundation model in the environment's region only, no profile.
      expect(permissions(template, 'agenticai-worker')['bedrock:InvokeModel']).toEqual([
        'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('observability (agenticai-production)', () => {
  const template = () => t('agenticai-production');
  const alarms = () =>
    Object.values(template().findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, any>;
    }[];
  const alarm = (name: string) =>
    alarms().find((a) => a.Properties.AlarmName === `agenticai-production-${name}`)!;

  it('R3.1 Lambda error rate > 5 % over 5 minutes, per function, as metric math Errors/Invocations', () => {
    for (const fn of ['api', 'worker', 'sweeper']) {
      const a = alarm(`lambda-error-rate-${fn}`).Properties;
      expect(a).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 5,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      });
      const expression = a.Metrics.find((q: any) => q.Expression);
      expect(expression.Expression).toBe('100 * errors / MAX([invocations, 1])');
      const names = a.Metrics.filter((q: any) => q.MetricStat).map((q: any) => [
        q.MetricStat.Metric.MetricName,
        q.MetricStat.Period,
        q.MetricStat.Stat,
      ]);
      expect(names.sort()).toEqual([
        ['Errors', 300, 'Sum'],
        ['Invocations', 300, 'Sum'],
      ]);
    }
  });

  it('R3.2 API 5XX > 10 in 5 minutes', () => {
    expect(alarm('api-5xx-api').Properties).toMatchObject({
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('R3.3 a function failing 3 consecutive times: Errors >= 1 in 3 of 3 one-minute periods', () => {
    expect(alarm('lambda-consecutive-failures-worker').Properties).toMatchObject({
      MetricName: 'Errors',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('R4.1 duration (Maximum) > 10 000 ms is a warning; R4.2 API latency > 3 000 ms in 5 of 5 minutes', () => {
    const duration = alarm('lambda-duration-api').Properties;
    expect(duration).toMatchObject({
      MetricName: 'Duration',
      Statistic: 'Maximum',
      Threshold: 10_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(JSON.stringify(duration.AlarmActions)).toMatch(/GeneralTopic/);
    expect(alarm('api-latency-api').Properties).toMatchObject({
      MetricName: 'Latency',
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 3_000,
    });
  });

  it('C6 C7 C8 C9 alarms for DLQ messages (C8), DynamoDB throttles and system errors (C7), throttles and concurrency (C6), pipeline failures and stuck projects (C9), and the rate-limit store', () => {
    const names = alarms().map((a) => a.Properties.AlarmName as string);
    for (const expected of [
      'dlq-messages-pm-dlq',
      'dlq-messages-ops-dlq',
      'dlq-messages-sweeper-dlq',
      'dlq-messages-alert-delivery-dlq',
      'dynamodb-throttles-data',
      'dynamodb-system-errors-data',
      'lambda-throttles-worker',
      'lambda-concurrency-api',
      'api-throttles-api',
      'auth-failure-spike-production',
      'pipeline-failures-production',
      'stuck-projects-production',
      'ratelimit-store-unavailable-production',
    ]) {
      expect(names).toContain(`agenticai-production-${expected}`);
    }
    // No reserved concurrency by default: the API is measured against the account's limit (1000).
    const concurrency = alarm('lambda-concurrency-api').Properties;
    expect(concurrency.Metrics.find((q: any) => q.Expression).Expression).toBe('concurrency / 1000');
  });

  it('R3.5 every alarm names its resource, its requirement and its runbook section, and notifies on ALARM and OK (itself or through the composite)', () => {
    for (const a of alarms()) {
      expect(text(a.Properties.AlarmDescription)).toMatch(
        /^\[(warning|critical)\] (R\d+\.\d+|C) .+ Runbook: .+RUNBOOK\.md#[a-z0-9-]+$/,
      );
      const spec = ALARM_CATALOG.find((c) =>
        (a.Properties.AlarmName as string).startsWith(`agenticai-production-${c.id}-`),
      )!;
      expect(a.Properties.AlarmActions ?? []).toHaveLength(spec.paging === 'direct' ? 1 : 0);
      expect(a.Properties.OKActions).toEqual(a.Properties.AlarmActions);
    }
  });

  it('C5 composite "system health" alarm over every critical alarm, to the critical topic', () => {
    const composite = Object.values(template().findResources('AWS::CloudWatch::CompositeAlarm'))[0] as any;
    const covered = alarms().filter((a) => !a.Properties.AlarmActions);
    expect(covered.length).toBeGreaterThan(10);
    expect(JSON.stringify(composite.Properties.AlarmRule).match(/ALARM\(/g)).toHaveLength(covered.length);
    expect(JSON.stringify(composite.Properties.AlarmActions)).toMatch(/CriticalTopic/);
  });

  it('R3.4 C3 two KMS-encrypted topics with TLS-only policies and email subscriptions; the key lets CloudWatch, Budgets and Cost Anomaly Detection publish', () => {
    const topics = resources(template(), 'AWS::SNS::Topic');
    expect(topics.map((tp) => tp.Properties.TopicName).sort()).toEqual([
      'agenticai-production-critical',
      'agenticai-production-general',
    ]);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const keyPolicy = JSON.stringify(resources(template(), 'AWS::KMS::Key')[0]!.Properties.KeyPolicy);
    for (const service of ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com', 'costalerts.amazonaws.com']) {
      expect(keyPolicy).toContain(service);
    }
    for (const policy of resources(template(), 'AWS::SNS::TopicPolicy')) {
      const text = JSON.stringify(policy.Properties.PolicyDocument);
      expect(text).toContain('"aws:SecureTransport":"false"');
      expect(text).toContain('budgets.amazonaws.com');
    }
    template().resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: ADMIN }, 2);
  });

  it('R2/R4.3/R4.4/R4.5 the dashboard shows each required metric, cold starts included, at 5-minute (health) and 1-minute (performance) periods', () => {
    const dashboard = resources(template(), 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(
      template().toJSON().Resources[Object.keys(template().findResources('AWS::CloudWatch::Dashboard'))[0]!]
        .Properties.DashboardBody,
    );
    expect(dashboard.Properties.DashboardName).toBe('agenticai-production');
    for (const metric of [
      'Invocations',
      'Errors',
      'Duration',
      'Throttles',
      'ConcurrentExecutions',
      '5XXError',
      '4XXError',
      'IntegrationLatency',
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'ProjectsCompleted',
      'AuthFailures',
      'RateLimited',
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('\\"period\\":300');
    expect(body).toContain('\\"period\\":60');
    for (const stat of ['p50', 'p95', 'p99']) expect(body).toContain(stat);
    expect(body).toContain('initDurationMs'); // R4.3 cold starts
    expect(body).toContain('\\"type\\":\\"alarm\\"');
  });

  it('R9.4 saved Logs Insights queries for troubleshooting', () => {
    const queries = resources(template(), 'AWS::Logs::QueryDefinition');
    expect(queries.length).toBeGreaterThanOrEqual(6);
    expect(queries.map((q) => q.Properties.Name)).toEqual(
      expect.arrayContaining([
        'agenticai-production/errors-by-route',
        'agenticai-production/auth-failures-by-result-and-key',
        'agenticai-production/rate-limit-violations-by-client',
        'agenticai-production/slowest-routes-p99',
        'agenticai-production/cold-starts-and-init-duration',
        'agenticai-production/one-correlation-id',
        'agenticai-production/memory-headroom',
      ]),
    );
  });
});

describe('Slack notifier (agenticai-production; the cheaper profiles of staging and dev leave it out)', () => {
  const template = () => t('agenticai-production');

  it('R3.5 C4 the Slack notifier is subscribed to both alert topics, reads its webhook from Secrets Manager, has a DLQ and its own alarms', () => {
    const notifier = resources(template(), 'AWS::Lambda::Function').find(
      (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'agenticai-notifier',
    )!;
    expect(notifier.Properties.DeadLetterConfig.TargetArn).toBeDefined();
    expect(JSON.stringify(notifier.Properties.Environment.Variables.SLACK_WEBHOOK_SECRET_ID)).toMatch(
      /SlackWebhook/,
    );
    const lambdaSubs = resources(template(), 'AWS::SNS::Subscription').filter(
      (s) => s.Properties.Protocol === 'lambda',
    );
    expect(lambdaSubs).toHaveLength(2);
    for (const sub of lambdaSubs) expect(sub.Properties.RedrivePolicy).toBeDefined();
    const names = (
      Object.values(template().findResources('AWS::CloudWatch::Alarm')) as {
        Properties: { AlarmName: string };
      }[]
    ).map((a) => a.Properties.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'agenticai-production-lambda-error-rate-notifier',
        'agenticai-production-dlq-messages-notifier-dlq',
      ]),
    );
  });

  it('C4 staging and dev (slackNotifier off) alert by email only: no notifier, webhook secret or lambda subscription', () => {
    for (const name of ['agenticai-staging', 'agenticai-dev']) {
      const functions = resources(t(name), 'AWS::Lambda::Function').map(
        (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
      );
      expect(functions).not.toContain('agenticai-notifier');
      expect(functions).toContain('agenticai-api');
      const secrets = resources(t(name), 'AWS::SecretsManager::Secret').map((r) => r.Properties.Name);
      expect(secrets.some((n: string) => n.endsWith('/slack-webhook'))).toBe(false);
      expect(
        resources(t(name), 'AWS::SNS::Subscription').filter((r) => r.Properties.Protocol === 'lambda'),
      ).toEqual([]);
    }
  });
});

describe('every alarm of the catalog is in the template as specified (agenticai-production)', () => {
  const alarms = () =>
    Object.values(t('agenticai-production').findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, any>;
    }[];

  it.each(ALARM_CATALOG.map((spec) => [spec.requirement, spec.id, spec]))('%s %s', (_req, id, spec) => {
    const matching = alarms().filter((a) =>
      (a.Properties.AlarmName as string).startsWith(`agenticai-production-${id}-`),
    );
    expect(matching.length).toBeGreaterThan(0);
    for (const { Properties: p } of matching) {
      const resource = (p.AlarmName as string).slice(`agenticai-production-${id}-`.length);
      const timeoutSeconds = { api: 29, worker: 300, sweeper: 60, notifier: 30 }[resource];
      expect(p).toMatchObject({
        Threshold: thresholdFor(spec, { resource, timeoutSeconds }),
        EvaluationPeriods: spec.evaluationPeriods,
        DatapointsToAlarm: spec.datapointsToAlarm,
        ComparisonOperator: spec.comparison,
        TreatMissingData: spec.treatMissingData,
      });
      if ('expression' in spec.metric) {
        const expression = p.Metrics.find((q: any) => q.Expression);
        expect(expression.Expression.startsWith(spec.metric.expression.split(' ')[0])).toBe(true);
        for (const q of p.Metrics.filter((m: any) => m.MetricStat))
          expect(q.MetricStat.Period).toBe(spec.periodSeconds);
      } else {
        expect(p).toMatchObject({
          MetricName: spec.metric.metricName,
          Namespace: spec.metric.namespace,
          Period: spec.periodSeconds,
        });
      }
      if (spec.paging === 'direct') {
        const topic = spec.severity === 'critical' ? /CriticalTopic/ : /GeneralTopic/;
        expect(JSON.stringify(p.AlarmActions)).toMatch(topic);
        expect(JSON.stringify(p.OKActions)).toMatch(topic);
      }
    }
  });
});

describe('edge security: AWS WAF (agenticai-production)', () => {
  const template = () => t('agenticai-production');
  const acl = () => resources(template(), 'AWS::WAFv2::WebACL')[0]!.Properties;

  it('R8.1 a regional web ACL is associated with the API stage', () => {
    expect(acl()).toMatchObject({
      Name: 'agenticai-production',
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
    });
    const association = Object.values(template().findResources('AWS::WAFv2::WebACLAssociation'))[0] as any;
    expect(JSON.stringify(association.Properties.ResourceArn)).toMatch(/restapis.*stages/);
    expect(association.DependsOn.some((d: string) => /Stage/.test(d))).toBe(true);
  });

  it('R8.2 per-IP rate limit 2000 / 5 min answering 429 in the API error shape', () => {
    const rate = acl().Rules.find((r: any) => r.Name === 'RateLimitPerIp');
    expect(rate.Statement.RateBasedStatement).toEqual({
      Limit: 2000,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
    });
    expect(rate.Action.Block.CustomResponse).toEqual({
      ResponseCode: 429,
      CustomResponseBodyKey: 'rateLimited',
    });
    const body = JSON.parse(acl().CustomResponseBodies.rateLimited.Content);
    expect(body.error.code).toBe('rate_limited');
    expect(acl().CustomResponseBodies.rateLimited.ContentType).toBe('APPLICATION_JSON');
  });

  it('R8.2 IP reputation, common rules (XSS; 8 KB body rule only counted), known bad inputs and SQL injection', () => {
    const groups = acl()
      .Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement)
      .map((r: any) => r.Statement.ManagedRuleGroupStatement);
    expect(groups.map((g: any) => g.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
    const common = groups.find((g: any) => g.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  it('R9.3 WAF logs go to aws-waf-logs-agenticai-<env> for 30 days with the x-api-key header redacted', () => {
    template().hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-agenticai-production',
      RetentionInDays: 30,
    });
    const logging = resources(template(), 'AWS::WAFv2::LoggingConfiguration')[0]!.Properties;
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'x-api-key' } }]);
    // arn:…:log-group:<the WAF log group> with no trailing `:*` (WAF rejects it).
    expect(text(logging.LogDestinationConfigs[0])).toMatch(/^arn:aws:logs:us-east-1:\d{12}:log-group:<ref>$/);
    expect(JSON.stringify(logging.LogDestinationConfigs)).toMatch(/FirewallLogs/);
  });

  it('R8.2 an alarm on blocked-request spikes, and WAF widgets on the dashboard', () => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'agenticai-production-waf-blocked-spike-waf',
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Threshold: 100,
    });
    const dashboard = JSON.stringify(
      resources(template(), 'AWS::CloudWatch::Dashboard')[0]!.Properties.DashboardBody,
    );
    expect(dashboard).toContain('WAF: blocked requests by rule');
    expect(dashboard).toContain('RateLimitPerIp');
  });
});

describe('cost control (agenticai-account)', () => {
  const template = () => t('agenticai-account');

  it('R5.1 one monthly $50 budget for the account, only in the account stack', () => {
    template().resourceCountIs('AWS::Budgets::Budget', 1);
    for (const name of envStacks) t(name).resourceCountIs('AWS::Budgets::Budget', 0);
    expect(resources(template(), 'AWS::Budgets::Budget')[0]!.Properties.Budget).toMatchObject({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 50, Unit: 'USD' },
    });
  });

  it('R5.2/R5.3 ACTUAL 80 % → general + email; ACTUAL 100 % → critical + email; FORECASTED 100 % → general', () => {
    const notifications = resources(
      template(),
      'AWS::Budgets::Budget',
    )[0]!.Properties.NotificationsWithSubscribers.map((n: any) => ({
      type: n.Notification.NotificationType,
      threshold: n.Notification.Threshold,
      topic: JSON.stringify(n.Subscribers.find((s: any) => s.SubscriptionType === 'SNS').Address).match(
        /(General|Critical)Topic/,
      )![1],
      email: n.Subscribers.some((s: any) => s.SubscriptionType === 'EMAIL' && s.Address === ADMIN),
    }));
    expect(notifications).toEqual([
      { type: 'ACTUAL', threshold: 80, topic: 'General', email: true },
      { type: 'ACTUAL', threshold: 100, topic: 'Critical', email: true },
      { type: 'FORECASTED', threshold: 100, topic: 'General', email: false },
    ]);
  });

  it('C14 cost anomaly detection: one SERVICE monitor with an immediate subscription to the general topic', () => {
    template().hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'DIMENSIONAL',
      MonitorDimension: 'SERVICE',
    });
    const subscription = resources(template(), 'AWS::CE::AnomalySubscription')[0]!.Properties;
    expect(subscription.Frequency).toBe('IMMEDIATE');
    expect(JSON.stringify(subscription.Subscribers)).toMatch(/GeneralTopic/);
    expect(JSON.parse(subscription.ThresholdExpression).Dimensions).toMatchObject({
      Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
      Values: ['10'],
    });
    for (const name of envStacks) t(name).resourceCountIs('AWS::CE::AnomalyMonitor', 0);
  });

  it('the account topics and key let Budgets and Cost Anomaly Detection publish', () => {
    const keyPolicy = JSON.stringify(resources(template(), 'AWS::KMS::Key')[0]!.Properties.KeyPolicy);
    for (const policy of resources(template(), 'AWS::SNS::TopicPolicy')) {
      const text = JSON.stringify(policy.Properties.PolicyDocument);
      expect(text).toContain('budgets.amazonaws.com');
      expect(text).toContain('costalerts.amazonaws.com');
    }
    expect(keyPolicy).toContain('budgets.amazonaws.com');
    expect(keyPolicy).toContain('costalerts.amazonaws.com');
  });

  it('an existing anomaly monitor can be reused, and the budget filtered by the Environment tag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agenticai-cdk-ce-'));
    try {
      const config = parseEnvironment({
        name: 'production',
        account: '123456789012',
        region: 'us-east-1',
        adminEmails: [ADMIN],
        existingAnomalyMonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/abc',
        budgetEnvironmentTag: 'production',
      });
      const { accounts } = buildApp([config], { outdir: dir, context: NO_BUNDLING });
      const template = Template.fromStack(accounts[0]!);
      template.resourceCountIs('AWS::CE::AnomalyMonitor', 0);
      template.hasResourceProperties('AWS::CE::AnomalySubscription', {
        MonitorArnList: ['arn:aws:ce::123456789012:anomalymonitor/abc'],
      });
      // R5.1 optionally only this environment's costs (the Environment cost allocation tag).
      template.hasResourceProperties('AWS::Budgets::Budget', {
        Budget: Match.objectLike({ CostFilters: { TagKeyValue: ['user:Environment$production'] } }),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** A policy value with references shown as `<LogicalIdWithoutHash.Attribute>`. */
const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  const strip = (id: string) => id.replace(/[0-9A-F]{8}$/, '');
  if (v.Ref) return v.Ref === 'AWS::Partition' ? 'aws' : `<${strip(v.Ref)}>`;
  if (v['Fn::GetAtt']) return `<${strip(v['Fn::GetAtt'][0])}.${v['Fn::GetAtt'][1]}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
};

/** Every allowed action of a function's role, with the resources it is allowed on. */
function permissions(template: Template, service: string): Record<string, string[]> {
  const all = template.toJSON().Resources as Record<string, any>;
  const fn = Object.values(all).find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service,
  )!;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const statements = Object.values(all)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const out: Record<string, string[]> = {};
  for (const s of statements) {
    expect(s.Effect).toBe('Allow');
    for (const action of [s.Action].flat() as string[])
      out[action] = [...new Set([...(out[action] ?? []), ...[s.Resource].flat().map(render)])].sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

describe("R8.6 exactly the IAM each function's code calls (agenticai-production)", () => {
  const template = () => t('agenticai-production');
  const DATA = '<TablesData.Arn>';
  const COUNTERS = '<TablesCounters.Arn>';
  const OBJECTS = '<Artifacts.Arn>/projects/*';
  const QUEUES = ['dev', 'ops', 'pm', 'qa'].map((s) => `<Queues${s}Queue.Arn>`);
  const consume = Object.fromEntries(
    [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ].map((a) => [a, QUEUES]),
  );
  const base = (logs: string) => ({
    'logs:CreateLogStream': [`<${logs}.Arn>`],
    'logs:PutLogEvents': [`<${logs}.Arn>`],
    'xray:PutTelemetryRecords': ['*'],
    'xray:PutTraceSegments': ['*'],
  });
  const sorted = (o: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

  it('the API: its items, rate windows, artifact reads, the pepper, the first stage queue', () => {
    expect(permissions(template(), 'agenticai-api')).toEqual(
      sorted({
        ...base('ApiFunctionLogs'),
        'dynamodb:GetItem': [DATA],
        'dynamodb:PutItem': [DATA],
        'dynamodb:Query': [DATA, `${DATA}/index/*`],
        'dynamodb:UpdateItem': [COUNTERS, DATA].sort(),
        's3:GetObject': [OBJECTS],
        's3:ListBucket': ['<Artifacts.Arn>'],
        'secretsmanager:GetSecretValue': ['<KeyPepper>'],
        'sqs:SendMessage': ['<QueuespmQueue.Arn>'],
      }),
    );
  });

  it('the worker: project state, earlier artifacts read and its own written, next-stage messages, its queues, the model', () => {
    const perms = permissions(template(), 'agenticai-worker');
    const { 'bedrock:InvokeModel': bedrock, ...rest } = perms;
    expect(rest).toEqual(
      sorted({
        ...base('WorkerFunctionLogs'),
        ...consume,
        'dynamodb:GetItem': [DATA],
        'dynamodb:PutItem': [DATA],
        's3:GetObject': [OBJECTS],
        's3:ListBucket': ['<Artifacts.Arn>'],
        's3:PutObject': [OBJECTS],
        'sqs:SendMessage': QUEUES,
      }),
    );
    expect(bedrock!.length).toBeGreaterThan(1);
  });

  it('the sweeper: only GSI1 queries, project reads and re-queueing (no bucket, no writes)', () => {
    expect(permissions(template(), 'agenticai-sweeper')).toEqual(
      sorted({
        ...base('SweeperFunctionLogs'),
        'dynamodb:GetItem': [DATA],
        'dynamodb:Query': [`${DATA}/index/GSI1`],
        'sqs:SendMessage': [...QUEUES, '<SweeperDlq.Arn>'].sort(),
      }),
    );
  });

  it('the notifier: its webhook secret, its DLQ, and the error lines of the functions it reports on', () => {
    const groups = ['ApiFunctionLogs', 'NotifierFunctionLogs', 'SweeperFunctionLogs', 'WorkerFunctionLogs'];
    expect(permissions(template(), 'agenticai-notifier')).toEqual(
      sorted({
        ...base('NotifierFunctionLogs'),
        // FilterLogEvents is authorized on the log group ARN; `.Arn` (with `:*`) covers its streams.
        'logs:FilterLogEvents': [
          ...groups.map((g) => `<${g}.Arn>`),
          ...groups.map((g) => `arn:aws:logs:us-east-1:111111111111:log-group:<${g}>`),
        ],
        'secretsmanager:GetSecretValue': ['<SlackWebhook>'],
        'sqs:SendMessage': ['<NotifierDlq.Arn>'],
      }),
    );
  });

  it('no statement anywhere reaches a destructive or suffix-wildcard action', () => {
    for (const [name, template] of Object.entries(templates)) {
      const statements = resources(template, 'AWS::IAM::Policy').flatMap(
        (p) => p.Properties.PolicyDocument.Statement,
      );
      for (const action of statements.flatMap((s: any) => [s.Action].flat() as string[])) {
        expect([name, action]).not.toEqual([
          name,
          expect.stringMatching(/\*|Delete(Object|Item|Table)|Abort|LegalHold|Retention|BatchWrite/),
        ]);
      }
    }
  });
});

describe('deployment settings (issue 11)', () => {
  it("Bedrock through the region's Claude inference profile: IAM for the profile and its model in every region of the profile", () => {
    const profile = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
    const worker = resources(t('agenticai-production'), 'AWS::Lambda::Function').find(
      (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'agenticai-worker',
    )!;
    expect(worker.Properties.Environment.Variables.BEDROCK_MODEL_ID).toBe(profile);
    expect(permissions(t('agenticai-production'), 'agenticai-worker')['bedrock:InvokeModel']).toEqual(
      [
        `arn:aws:bedrock:us-east-1:111111111111:inference-profile/${profile}`,
        ...['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map(
          (r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0`,
        ),
      ].sort(),
    );
  });

  it("alarms link to the configured runbook, by default the repository's docs/RUNBOOK.md, never an invented URL", () => {
    const descriptions = resources(t('agenticai-production'), 'AWS::CloudWatch::Alarm').map((a) =>
      text(a.Properties.AlarmDescription),
    );
    expect(descriptions.length).toBeGreaterThan(10);
    for (const d of descriptions) expect(d).toMatch(/ Runbook: docs\/RUNBOOK\.md#[a-z0-9-]+$/);
    expect(JSON.stringify(Object.values(templates).map((x) => x.toJSON()))).not.toMatch(/github\.com/);
  });

  it('the environment stack outputs the API URL that npm run deploy prints', () => {
    const outputs = t('agenticai-staging').toJSON().Outputs as Record<string, { Value: unknown }>;
    const endpoint = Object.entries(outputs).find(([key]) => /Endpoint/.test(key));
    expect(text(endpoint![1].Value)).toMatch(/^https:\/\/<ref>\.execute-api\.us-east-1\.<ref>\/<ref>\/$/);
  });

  it('no source maps in the deployed bundles unless configured', () => {
    const functions = resources(t('agenticai-production'), 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const fn of functions) expect(fn.Properties.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
    const assets = readdirSync(outdir).filter((f) => f.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets)
      expect(readdirSync(join(outdir, asset)).filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('cdk.json sets every recommended feature flag of aws-cdk-lib, validator findings as errors included', () => {
    const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
    expect(context).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
    expect(context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
    // The app applies them too, so these tests synthesize what the CLI synthesizes.
    expect(built.app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
  });
});
