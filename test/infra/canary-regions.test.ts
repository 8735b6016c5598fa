import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraConfigError, parseEnvironment } from '../../infra/config.ts';
import {
  canaryDefaults,
  canaryRegionsVariable,
  loadEnvironments,
  secondCanaryRegion,
} from '../../infra/environments.ts';
import { resourceNames } from '../../src/naming.ts';
import { alertTopics } from '../../src/readiness/checks/alert-topics.ts';
import { canaryRegions } from '../../src/readiness/checks/canary.ts';
import { emailAlerts } from '../../src/readiness/checks/email-alerts.ts';
import { slackNotifier } from '../../src/readiness/checks/slack-notifier.ts';
import { systemHealth } from '../../src/readiness/checks/system-health.ts';
import { templateSetFor } from '../../src/readiness/template-set.ts';
import { deployOrder, synthesizeFromEnv } from './synth.ts';

const ENV = {
  AGENTICAI_ACCOUNT: '111111111111',
  AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com,sre@acme-corp.com',
};
const names = resourceNames('production');
const MAIN = names.stack;
const WEST = names.canaryStack('us-west-2');

let synth: ReturnType<typeof synthesizeFromEnv>;
beforeAll(() => {
  // All three environments, as `npm run synth` builds them: production's defaults give 2 regions.
  synth = synthesizeFromEnv(ENV);
}, 180_000);
afterAll(() => synth?.cleanup());

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type
type Props = Record<string, any>;
const template = (stack: string): Template => synth.templates[stack]!;
const resources = (stack: string, type: string) =>
  Object.entries(template(stack).findResources(type)).map(([id, r]) => ({
    id,
    props: r.Properties as Props,
  }));
const set = (stacks = [MAIN, WEST]) =>
  templateSetFor(
    'production',
    stacks.map((s) => ({ stackName: s, template: template(s).toJSON() })),
  );
/** What a `Fn::GetStackOutput` of the main stack resolves to: that output's value in its template. */
const crossRegion = (value: Props) => {
  const ref = value['Fn::GetStackOutput'];
  expect(ref).toMatchObject({ StackName: MAIN, Region: 'us-east-1' });
  return template(MAIN).toJSON().Outputs[ref.OutputName].Value;
};

describe('R11.5 canaries in several regions (synthesized templates)', () => {
  it('R11.5 a production config with 2 regions yields 2 canaries: one in the environment stack, one in its own stack in the second region, deployed after it', () => {
    expect(synth.synthError).toBeUndefined();
    expect(synth.violations()).toEqual([]);
    const west = synth.stacks.find((s) => s.id === WEST)!;
    expect(west).toMatchObject({ stackName: WEST, region: 'us-west-2', account: '111111111111' });
    expect(west.dependencies).toEqual([MAIN]);
    const order = deployOrder(synth.stacks);
    expect(order.indexOf(WEST)).toBeGreaterThan(order.indexOf(MAIN));
    // Staging and dev probe from their own region only.
    expect(synth.stacks.filter((s) => s.id.includes('-canary-')).map((s) => s.id)).toEqual([WEST]);

    const canaries = [MAIN, WEST].flatMap((s) => resources(s, 'AWS::Synthetics::Canary'));
    expect(canaries).toHaveLength(2);
    for (const { props } of canaries) {
      expect(props.Name).toBe(names.canary);
      expect(props.Schedule.Expression).toBe('rate(5 minutes)');
    }
    // The second region's canary calls the main region's API (the URL read from the main stack).
    const env = resources(WEST, 'AWS::Synthetics::Canary')[0]!.props.RunConfig.EnvironmentVariables;
    const url = JSON.stringify(env.CANARY_ENDPOINT);
    expect(url).toContain('.execute-api.us-east-1.');
    expect(url).toContain('"StackName":"agenticai-production"');
    expect(template(MAIN).toJSON().Outputs[names.canaryRegionsOutput].Value).toBe('us-east-1,us-west-2');
  });

  it('R11.5 the second region keeps its artifacts in its own encrypted bucket with retention', () => {
    const [bucket] = resources(WEST, 'AWS::S3::Bucket');
    expect(bucket!.props.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
    });
    expect(bucket!.props.LifecycleConfiguration.Rules[0]).toMatchObject({
      ExpirationInDays: 30,
      Status: 'Enabled',
    });
    const canary = resources(WEST, 'AWS::Synthetics::Canary')[0]!.props;
    expect(JSON.stringify(canary.ArtifactS3Location)).toContain(bucket!.id);
  });

  it('R11.5 the canary role in the second region reads only the main-region canary key secret', () => {
    const canary = resources(WEST, 'AWS::Synthetics::Canary')[0]!.props;
    const env = canary.RunConfig.EnvironmentVariables;
    expect(env.CANARY_KEY_SECRET_REGION).toBe('us-east-1');
    const secretArn = crossRegion(env.CANARY_KEY_SECRET_ID);
    expect(secretArn).toEqual({ Ref: expect.stringMatching(/^CanaryApiKey/) });
    const statements = resources(WEST, 'AWS::IAM::Policy').flatMap((p) => p.props.PolicyDocument.Statement);
    const secretStatements = statements.filter((s: Props) =>
      JSON.stringify(s.Action).includes('secretsmanager'),
    );
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0].Action).toBe('secretsmanager:GetSecretValue');
    expect(crossRegion(secretStatements[0].Resource)).toEqual(secretArn);
  });

  it('R11.5 R11.2 one alarm per region (2 consecutive failed runs, missing data breaching), each on a critical topic of its own region', () => {
    const alarms = [MAIN, WEST].flatMap((stack) =>
      resources(stack, 'AWS::CloudWatch::Alarm')
        .filter((a) => String(a.props.AlarmName).includes('canary-failed'))
        .map((a) => ({ stack, ...a })),
    );
    expect(alarms.map((a) => [a.stack, a.props.AlarmName])).toEqual([
      [MAIN, `${names.alarmPrefix}canary-failed-us-east-1`],
      [WEST, `${names.alarmPrefix}canary-failed-us-west-2`],
    ]);
    for (const { stack, props } of alarms) {
      expect(props).toMatchObject({
        Namespace: 'CloudWatchSynthetics',
        MetricName: 'SuccessPercent',
        Period: 300,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 100,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      // The same catalog entry, rendered per region, on the canary of the same stack.
      expect(JSON.stringify(props.AlarmDescription)).toMatch(/^"?.*\[critical\] R11\.2 .*#canary-failed/);
      const canaryId = resources(stack, 'AWS::Synthetics::Canary')[0]!.id;
      expect(props.Dimensions).toEqual([{ Name: 'CanaryName', Value: { Ref: canaryId } }]);
      const topics = resources(stack, 'AWS::SNS::Topic');
      const critical = topics.find((t) => String(t.props.TopicName).endsWith('-critical'))!;
      expect(props.AlarmActions).toEqual([{ Ref: critical.id }]);
    }
    expect(alertTopics.run(set()).status).toBe('pass');
    expect(systemHealth.run(set()).status).toBe('pass');
  });

  it('R11.5 the second region has its own topic with every admin email and the main-region notifier subscribed', () => {
    const [topic] = resources(WEST, 'AWS::SNS::Topic');
    expect(topic!.props.TopicName).toBe(names.canaryTopic('us-west-2'));
    expect(topic!.props.KmsMasterKeyId).toBeDefined();
    const subs = resources(WEST, 'AWS::SNS::Subscription');
    expect(subs.every((s) => s.props.TopicArn.Ref === topic!.id)).toBe(true);
    expect(
      subs
        .filter((s) => s.props.Protocol === 'email')
        .map((s) => s.props.Endpoint)
        .sort(),
    ).toEqual(['oncall@acme-corp.com', 'sre@acme-corp.com']);
    const lambda = subs.find((s) => s.props.Protocol === 'lambda')!;
    // SNS → Lambda across regions: the notifier's `live` alias in the main region, with a DLQ here.
    expect(crossRegion(lambda.props.Endpoint)).toEqual({
      Ref: expect.stringMatching(/^NotifierFunctionLive/),
    });
    const [dlq] = resources(WEST, 'AWS::SQS::Queue');
    expect(dlq!.props.QueueName).toBe(names.canaryDeliveryDlq('us-west-2'));
    expect(lambda.props.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq!.id, 'Arn'] } });
    // The invoke permission lives with the function (main region), for exactly that topic.
    const permissions = resources(MAIN, 'AWS::Lambda::Permission').filter(
      (p) =>
        p.props.Principal === 'sns.amazonaws.com' && JSON.stringify(p.props.SourceArn).includes('us-west-2'),
    );
    expect(permissions).toHaveLength(1);
    expect(JSON.stringify(permissions[0]!.props.SourceArn)).toContain(
      `:sns:us-west-2:111111111111:${names.canaryTopic('us-west-2')}`,
    );
    expect(permissions[0]!.props.FunctionName.Ref).toMatch(/^NotifierFunctionLive/);
    expect(emailAlerts.run(set()).status).toBe('pass');
    expect(slackNotifier.run(set()).status).toBe('pass');
  });

  it('R11.5 R11.4 the dashboard shows success percent and per-step duration by region', () => {
    const [dashboard] = resources(MAIN, 'AWS::CloudWatch::Dashboard');
    const body = JSON.parse(
      (dashboard!.props.DashboardBody['Fn::Join'][1] as unknown[])
        .map((p) => (typeof p === 'string' ? p : 'REF'))
        .join(''),
    ) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] };
    const widget = (title: string) => body.widgets.find((w) => w.properties.title === title)!.properties;
    const regionsOf = (metrics: unknown[][]) =>
      metrics.map((m) => (m.at(-1) as { region: string }).region).sort();
    const success = widget('Canary SuccessPercent by region');
    expect(regionsOf(success.metrics!)).toEqual(['us-east-1', 'us-west-2']);
    const steps = widget('Canary step Duration by region (ms)');
    expect(regionsOf(steps.metrics!)).toEqual([...Array(3).fill('us-east-1'), ...Array(3).fill('us-west-2')]);
    expect(JSON.stringify(steps.metrics)).toContain('"label":"us-west-2 create-project"');
  });

  it('R11.5 the readiness check finds a canary with its alarm in every configured region, and names a missing one', () => {
    expect(canaryRegions.run(set())).toEqual({
      status: 'pass',
      evidence: `us-east-1 (${MAIN}), us-west-2 (${WEST})`,
    });
    const without = canaryRegions.run(set([MAIN]));
    expect(without.status).toBe('fail');
    expect(without.evidence).toBe(
      'no canary with its alarm in us-west-2 (canaryRegions: us-east-1, us-west-2)',
    );
  });

  it('R11.1 staging probes every 15 minutes and dev every hour, each alarm period one run', () => {
    for (const [env, minutes] of [
      ['staging', 15],
      ['dev', 60],
    ] as const) {
      const stack = resourceNames(env).stack;
      const [canary] = resources(stack, 'AWS::Synthetics::Canary');
      expect(canary!.props.Schedule.Expression).toBe(`rate(${minutes} minutes)`);
      const alarm = resources(stack, 'AWS::CloudWatch::Alarm').find((a) =>
        String(a.props.AlarmName).endsWith('canary-failed-us-east-1'),
      )!;
      // Two periods of the interval: still two consecutive runs, never an empty period.
      expect(alarm.props).toMatchObject({ Period: minutes * 60, EvaluationPeriods: 2 });
      expect(JSON.stringify(alarm.props.AlarmDescription)).toContain(
        `in each of 2 consecutive ${minutes}-minute periods`,
      );
    }
  });
});

describe('R11.5 canary regions and interval in the typed config', () => {
  it('R11.5 production defaults to its region and a neighbour in the same geography; staging and dev to their region', () => {
    expect(secondCanaryRegion('us-east-1')).toBe('us-west-2');
    expect(secondCanaryRegion('eu-west-1')).toBe('eu-central-1');
    expect(secondCanaryRegion('eu-central-1')).toBe('eu-west-1');
    expect(secondCanaryRegion('ap-southeast-2')).toBe('ap-southeast-1');
    expect(canaryDefaults('production', 'eu-west-1')).toEqual({
      canaryIntervalMinutes: 5,
      canaryRegions: ['eu-west-1', 'eu-central-1'],
    });
    expect(canaryDefaults('staging', 'eu-west-1')).toEqual({
      canaryIntervalMinutes: 15,
      canaryRegions: ['eu-west-1'],
    });
    expect(canaryDefaults('dev', 'eu-west-1')).toEqual({
      canaryIntervalMinutes: 60,
      canaryRegions: ['eu-west-1'],
    });
    const [prod] = loadEnvironments({
      ...ENV,
      AGENTICAI_ENVIRONMENTS: 'production',
      AGENTICAI_REGION: 'eu-west-1',
    });
    expect(prod).toMatchObject({ canaryRegions: ['eu-west-1', 'eu-central-1'], canaryIntervalMinutes: 5 });
  });

  it('R11.5 AGENTICAI_CANARY_REGIONS_<ENV> overrides the regions; they must include the main region, once', () => {
    expect(canaryRegionsVariable('production')).toBe('AGENTICAI_CANARY_REGIONS_PRODUCTION');
    const [prod] = loadEnvironments({
      ...ENV,
      AGENTICAI_ENVIRONMENTS: 'production',
      AGENTICAI_CANARY_REGIONS_PRODUCTION: 'us-east-1, eu-west-1, ap-northeast-1',
    });
    expect(prod!.canaryRegions).toEqual(['us-east-1', 'eu-west-1', 'ap-northeast-1']);
    const load = (regions: string) =>
      loadEnvironments({
        ...ENV,
        AGENTICAI_ENVIRONMENTS: 'staging',
        AGENTICAI_CANARY_REGIONS_STAGING: regions,
      });
    expect(() => load('us-west-2')).toThrow(InfraConfigError);
    expect(() => load('us-west-2')).toThrow(/canaryRegions: must include the environment's region us-east-1/);
    expect(() => load('us-east-1,us-east-1')).toThrow(/canaryRegions: lists a region twice/);
    expect(() => load('us-east-1,mars-1')).toThrow(/canaryRegions\.1: must be an AWS region/);
  });

  it('R11.1 canaryIntervalMinutes is validated (1 to 60 minutes)', () => {
    const base = { name: 'dev', account: '123456789012', region: 'us-east-1' };
    expect(parseEnvironment(base).canaryIntervalMinutes).toBe(5);
    expect(() => parseEnvironment({ ...base, canaryIntervalMinutes: 0 })).toThrow(/canaryIntervalMinutes/);
    expect(() => parseEnvironment({ ...base, canaryIntervalMinutes: 90 })).toThrow(/canaryIntervalMinutes/);
  });
});
