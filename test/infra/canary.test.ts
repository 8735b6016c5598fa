import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY_ARTIFACT_RETENTION_DAYS, CANARY_RUNTIME } from '../../infra/constructs/health-canary.ts';
import { resourceNames } from '../../src/naming.ts';
import { canaryAlarm, canarySchedule } from '../../src/readiness/checks/canary.ts';
import { templateSetFor } from '../../src/readiness/template-set.ts';
import { synthesizeFromEnv } from './synth.ts';

let synth: ReturnType<typeof synthesizeFromEnv>;
let t: Template;
beforeAll(() => {
  synth = synthesizeFromEnv({
    AGENTICAI_ACCOUNT: '111111111111',
    AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
  });
  t = synth.templates['agenticai-production']!;
}, 120_000);
afterAll(() => synth?.cleanup());

const names = resourceNames('production');
const one = (type: string) => {
  const found = Object.values(t.findResources(type)) as { Properties: Record<string, any> }[];
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
};

describe('health-check canary in the environment stack (synthesized template)', () => {
  it('R11.1 a Synthetics canary on the newest Node.js script runtime runs every 5 minutes against the API', () => {
    expect(synth.synthError).toBeUndefined();
    const canary = one('AWS::Synthetics::Canary');
    expect(canary.Name).toBe(names.canary);
    expect(canary.Name.length).toBeLessThanOrEqual(21);
    expect(canary.RuntimeVersion).toBe(CANARY_RUNTIME.name);
    expect(CANARY_RUNTIME.name).toBe('syn-nodejs-puppeteer-13.0');
    // canaryIntervalMinutes: production's default (infra/environments.ts).
    expect(canary.Schedule.Expression).toBe('rate(5 minutes)');
    expect(canary.StartCanaryAfterCreation).toBe(true);
    expect(canary.Code.Handler).toBe('index.handler');
    // The bundled script: CommonJS, the runtime's Synthetics module external, the steps inside.
    expect(canary.Code.Script).toMatch(/require\("Synthetics"\)/);
    expect(canary.Code.Script).toMatch(/create-project/);
    const env = canary.RunConfig.EnvironmentVariables;
    expect(JSON.stringify(env.CANARY_ENDPOINT)).toMatch(/execute-api/);
    expect(env.CANARY_KEY_SECRET_ID.Ref).toMatch(/^CanaryApiKey/);
    expect(env.CANARY_KEY_SECRET_REGION).toBe('us-east-1');
    expect(env.CANARY_STEP_BUDGET_MS).toBe('5000');
    expect(canarySchedule.run(synthSet()).status).toBe('pass');
  });

  it('R11.1 its artifacts bucket is encrypted, TLS-only, private, and expires runs after the retention', () => {
    const canary = one('AWS::Synthetics::Canary');
    expect(canary.SuccessRetentionPeriod).toBe(CANARY_ARTIFACT_RETENTION_DAYS);
    expect(canary.FailureRetentionPeriod).toBe(CANARY_ARTIFACT_RETENTION_DAYS);
    const buckets = t.findResources('AWS::S3::Bucket', {
      Properties: {
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ ExpirationInDays: CANARY_ARTIFACT_RETENTION_DAYS, Status: 'Enabled' })],
        },
      },
    });
    const [id, bucket] = Object.entries(buckets).find(([logicalId]) => logicalId.startsWith('HealthCanary'))!;
    expect(JSON.stringify(canary.ArtifactS3Location)).toContain(id);
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("R11.3 the canary's role may read the canary key secret (rotated by keys rotate --store-secret)", () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'secretsmanager:GetSecretValue',
            Resource: { Ref: Match.stringLikeRegexp('CanaryApiKey') },
          }),
        ]),
      },
    });
  });

  it('R11.2 two consecutive failed runs (missing data breaching) raise the catalog alarm on the critical topic', () => {
    const alarm = t.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: `${names.alarmPrefix}canary-failed-us-east-1` },
    });
    const props = Object.values(alarm)[0]!.Properties;
    expect(props).toMatchObject({
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      // The canary's own name, by reference (the alarm follows the canary).
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: expect.stringMatching(/^HealthCanary/) } }],
    });
    expect(JSON.stringify(props.AlarmDescription)).toMatch(/docs\/RUNBOOK\.md#canary-failed/);
    expect(JSON.stringify(props.AlarmActions)).toMatch(/Critical/);
    expect(canaryAlarm.run(synthSet()).status).toBe('pass');
  });

  it('R11.4 the dashboard shows SuccessPercent, Duration and per-step Duration of the canary', () => {
    const body = JSON.stringify(one('AWS::CloudWatch::Dashboard').DashboardBody);
    for (const title of [
      'Canary SuccessPercent by region',
      'Canary Duration by region (ms)',
      'Canary step Duration by region (ms)',
    ])
      expect(body).toContain(title);
    expect(body).toContain('StepName');
    for (const step of ['health', 'create-project', 'read-project']) expect(body).toContain(`${step}`);
  });
});

/** The template set the readiness checks read. */
function synthSet() {
  return templateSetFor('production', [{ stackName: 'agenticai-production', template: t.toJSON() }]);
}
