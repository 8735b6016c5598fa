import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { ListSubscriptionsByTopicCommand, NotFoundException, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { CanaryRun } from '@aws-sdk/client-synthetics';
import { GetWebACLForResourceCommand, WAFNonexistentItemException, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RestoreDrillRecord } from '../../src/domain/restore-drill.ts';
import { liveAlertSubscriptions, maskEmail } from '../../src/readiness/live/alert-subscriptions.ts';
import {
  CANARY_STALE_INTERVALS,
  liveCanaryRuns,
  scheduleIntervalMs,
} from '../../src/readiness/live/canary-runs.ts';
import { type LiveContext, openLiveContext } from '../../src/readiness/live/context.ts';
import { LIVE_CHECKS } from '../../src/readiness/live/index.ts';
import { liveRestoreDrill, RESTORE_DRILL_MAX_AGE_DAYS } from '../../src/readiness/live/restore-drill.ts';
import { liveWafAssociation } from '../../src/readiness/live/waf-association.ts';
import type { CfnResource, StackTemplate, TemplateSet } from '../../src/readiness/template-set.ts';
import { GetCanary, GetCanaryRuns, mockSynthetics } from '../support/synthetics-mock.ts';

/**
 * The live checks against SDK mocks, on a small hand-written template set (the shape the CDK app
 * synthesizes: test/readiness/readiness.test.ts runs them through the CLI on the real one).
 */
const NOW = new Date('2026-11-23T10:00:00.000Z');
const MIN = 60_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const topic = (name: string): CfnResource => ({ Type: 'AWS::SNS::Topic', Properties: { TopicName: name } });
const canary = (name: string): CfnResource => ({
  Type: 'AWS::Synthetics::Canary',
  Properties: { Name: name, Schedule: { Expression: 'rate(5 minutes)' } },
});

function templateSet(extra: StackTemplate[] = []): TemplateSet {
  return {
    env: 'production',
    stacks: [
      {
        stackName: 'agenticai-account',
        region: 'us-east-1',
        template: {
          Resources: {
            General: topic('agenticai-account-general'),
            Critical: topic('agenticai-account-critical'),
          },
        },
      },
      {
        stackName: 'agenticai-production',
        // Synthesized with a region, but the environment stack is read in the main (--region) one.
        region: 'us-east-1',
        template: {
          Resources: {
            Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'agenticai-production' } },
            ApiStage: {
              Type: 'AWS::ApiGateway::Stage',
              Properties: { RestApiId: { Ref: 'Api' }, StageName: 'v1' },
            },
            Acl: {
              Type: 'AWS::WAFv2::WebACL',
              Properties: { Name: 'agenticai-production', Scope: 'REGIONAL' },
            },
            General: topic('agenticai-production-general'),
            Critical: topic('agenticai-production-critical'),
            Canary: canary('agenticai-production'),
          },
        },
      },
      ...extra,
    ],
  };
}

const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const cfn = mockClient(CloudFormationClient);
const waf = mockClient(WAFV2Client);
const synthetics = mockSynthetics();
const ssm = mockClient(SSMClient);
const mocks = [sts, sns, cfn, waf, synthetics, ssm];
let ctx: LiveContext;

async function open(set = templateSet()) {
  ctx = await openLiveContext(set, { region: 'eu-west-1' }, { now: () => NOW });
  return ctx;
}

beforeEach(async () => {
  for (const m of mocks) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({
    Account: '123456789012',
    Arn: 'arn:aws:sts::123456789012:assumed-role/ops/session',
  });
  await open();
});
afterEach(() => ctx.close());

/** The region the client that made a mocked call was built for. */
const regionOfCall = (call: { thisValue: unknown }) =>
  (call.thisValue as { config: { region(): Promise<string> } }).config.region();

describe('live:alert-subscriptions', () => {
  const arn = (region: string, name: string) => `arn:aws:sns:${region}:123456789012:${name}`;
  const confirmed = (topicArn: string, endpoint: string) => ({
    TopicArn: topicArn,
    Protocol: 'email',
    Endpoint: endpoint,
    SubscriptionArn: `${topicArn}:6f1c2e0a-0000-4000-8000-000000000001`,
  });

  it('R3.4 C4 every alert topic of the environment and the account has only confirmed email subscriptions: pass', async () => {
    sns.on(ListSubscriptionsByTopicCommand).callsFake((input) => ({
      Subscriptions: [
        confirmed(input.TopicArn, 'oncall@example.com'),
        // The Slack notifier's Lambda subscription is not an email one: not counted, not a problem.
        { TopicArn: input.TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:…', SubscriptionArn: 'x' },
      ],
    }));
    const result = await liveAlertSubscriptions.run(ctx);
    expect(result).toEqual({
      status: 'pass',
      evidence:
        '4 email subscription(s) confirmed on agenticai-account-critical, agenticai-account-general, agenticai-production-critical, agenticai-production-general',
    });
    // Account topics in the account stack's region, the environment's in the main region.
    const calls = sns.commandCalls(ListSubscriptionsByTopicCommand);
    expect(calls.map((c) => c.args[0].input.TopicArn)).toEqual([
      arn('us-east-1', 'agenticai-account-critical'),
      arn('us-east-1', 'agenticai-account-general'),
      arn('eu-west-1', 'agenticai-production-critical'),
      arn('eu-west-1', 'agenticai-production-general'),
    ]);
    expect(await Promise.all(calls.map(regionOfCall))).toEqual([
      'us-east-1',
      'us-east-1',
      'eu-west-1',
      'eu-west-1',
    ]);
  });

  it('R3.4 C4 a subscription pending confirmation on the second page fails, naming the topic and a masked address', async () => {
    const critical = arn('eu-west-1', 'agenticai-production-critical');
    // The paginator reuses its input object, so the tokens are recorded as each call is made.
    const pages: (string | undefined)[] = [];
    sns.on(ListSubscriptionsByTopicCommand).callsFake((input) => {
      if (input.TopicArn === critical) pages.push(input.NextToken);
      return input.TopicArn === critical && !input.NextToken
        ? { Subscriptions: [confirmed(critical, 'oncall@example.com')], NextToken: 'page-2' }
        : input.TopicArn === critical
          ? {
              Subscriptions: [
                {
                  TopicArn: critical,
                  Protocol: 'email',
                  Endpoint: 'alice.smith@example.com',
                  SubscriptionArn: 'PendingConfirmation',
                },
              ],
            }
          : { Subscriptions: [confirmed(input.TopicArn, 'oncall@example.com')] };
    });
    const result = await liveAlertSubscriptions.run(ctx);
    expect(result).toEqual({
      status: 'fail',
      evidence: 'agenticai-production-critical: a***@example.com pending confirmation',
    });
    expect(result.evidence).not.toContain('alice');
    expect(pages).toEqual([undefined, 'page-2']);
  });

  it('a topic with no email subscription, and a topic that does not exist, fail with the reason', async () => {
    sns.on(ListSubscriptionsByTopicCommand).callsFake((input) => {
      if (input.TopicArn.endsWith('account-general'))
        throw new NotFoundException({ message: 'Topic does not exist', $metadata: {} });
      if (input.TopicArn.endsWith('production-general')) return { Subscriptions: [] };
      return { Subscriptions: [confirmed(input.TopicArn, 'oncall@example.com')] };
    });
    expect((await liveAlertSubscriptions.run(ctx)).evidence).toBe(
      'agenticai-account-general: NotFoundException: Topic does not exist; agenticai-production-general: no email subscription',
    );
  });

  it('masks addresses to their first letter and domain, whatever they look like', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@b.c')).toBe('a***@b.c');
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail(undefined)).toBe('***');
  });
});

describe('live:waf-association', () => {
  /** The stack's resources as CloudFormation describes them: the API's id and the stage's name. */
  const deployedApi = (physical: Record<string, string>) =>
    cfn.on(DescribeStackResourceCommand).callsFake((input) => {
      const id = physical[input.LogicalResourceId];
      if (!id)
        throw Object.assign(
          new Error(`Resource ${input.LogicalResourceId} does not exist for stack ${input.StackName}`),
          { name: 'ValidationError' },
        );
      return {
        StackResourceDetail: {
          StackName: input.StackName,
          LogicalResourceId: input.LogicalResourceId,
          PhysicalResourceId: id,
          ResourceType: 'AWS::ApiGateway::RestApi',
          LastUpdatedTimestamp: NOW,
          ResourceStatus: 'UPDATE_COMPLETE',
        },
      };
    });
  const healthyApi = () => deployedApi({ Api: 'a1b2c3d4e5', ApiStage: 'v1' });

  it("R8.1 the stage of the stack's API is behind the environment's web ACL: pass", async () => {
    healthyApi();
    waf.on(GetWebACLForResourceCommand).resolves({
      WebACL: {
        Name: 'agenticai-production',
        Id: 'id',
        ARN: 'arn',
        DefaultAction: { Allow: {} },
        VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'm' },
      },
    });
    expect(await liveWafAssociation.run(ctx)).toEqual({
      status: 'pass',
      evidence: 'stage v1 of API a1b2c3d4e5 (eu-west-1) behind web ACL agenticai-production',
    });
    expect(cfn.commandCalls(DescribeStackResourceCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'agenticai-production', LogicalResourceId: 'Api' },
      { StackName: 'agenticai-production', LogicalResourceId: 'ApiStage' },
    ]);
    const [call] = waf.commandCalls(GetWebACLForResourceCommand);
    expect(call!.args[0].input).toEqual({
      ResourceArn: 'arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1',
    });
    expect(await regionOfCall(call!)).toBe('eu-west-1');
  });

  it('R8.1 WAF answering with no web ACL (not an error) fails: the stage is unprotected', async () => {
    healthyApi();
    waf.on(GetWebACLForResourceCommand).resolves({});
    expect(await liveWafAssociation.run(ctx)).toEqual({
      status: 'fail',
      evidence: 'stage v1 of API a1b2c3d4e5 has no web ACL',
    });
  });

  it('another web ACL, a stage WAF does not know, an API not deployed: each fails with the reason', async () => {
    healthyApi();
    waf.on(GetWebACLForResourceCommand).resolves({
      WebACL: {
        Name: 'someone-elses-acl',
        Id: 'id',
        ARN: 'arn',
        DefaultAction: { Allow: {} },
        VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'm' },
      },
    });
    expect((await liveWafAssociation.run(ctx)).evidence).toBe(
      'stage v1 of API a1b2c3d4e5 is behind someone-elses-acl, not agenticai-production',
    );
    waf.on(GetWebACLForResourceCommand).rejects(
      new WAFNonexistentItemException({
        message: 'AWS WAF couldn’t perform the operation because your resource doesn’t exist.',
        $metadata: {},
      }),
    );
    expect(await liveWafAssociation.run(ctx)).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(
        /^arn:aws:apigateway:eu-west-1::\/restapis\/a1b2c3d4e5\/stages\/v1: WAFNonexistentItemException: /,
      ),
    });
    deployedApi({});
    expect((await liveWafAssociation.run(ctx)).evidence).toBe(
      'agenticai-production: ValidationError: Resource Api does not exist for stack agenticai-production',
    );
  });
});

describe('live:canary-runs', () => {
  const run = (state: 'PASSED' | 'FAILED' | 'RUNNING', at: Date, reason?: string): CanaryRun => ({
    Name: 'agenticai-production',
    Status: { State: state, ...(reason && { StateReason: reason }) },
    Timeline: { Started: new Date(at.getTime() - 20_000), ...(state !== 'RUNNING' && { Completed: at }) },
  });
  const deployed = (state = 'RUNNING', expression = 'rate(5 minutes)') =>
    synthetics.on(GetCanary).resolves({
      Canary: {
        Name: 'agenticai-production',
        Status: { State: state as 'RUNNING' },
        Schedule: { Expression: expression },
      },
    });

  it('R11.1 R11.3 the last finished run PASSED within 3 intervals: pass (a run in progress is skipped)', async () => {
    deployed();
    synthetics.on(GetCanaryRuns).resolves({
      CanaryRuns: [run('RUNNING', ago(MIN)), run('FAILED', ago(9 * MIN), 'old'), run('PASSED', ago(4 * MIN))],
    });
    expect(await liveCanaryRuns.run(ctx)).toEqual({
      status: 'pass',
      evidence:
        'agenticai-production (eu-west-1): last run PASSED at 2026-11-23T09:56:00.000Z, rate(5 minutes)',
    });
    expect(synthetics.commandCalls(GetCanaryRuns)[0]!.args[0].input).toEqual({
      Name: 'agenticai-production',
      MaxResults: 5,
    });
  });

  it('R11.1 a canary that never ran fails', async () => {
    deployed();
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [] });
    expect(await liveCanaryRuns.run(ctx)).toEqual({
      status: 'fail',
      evidence: 'agenticai-production (eu-west-1): has never completed a run',
    });
  });

  it('R11.1 R11.3 a last run that FAILED fails with its reason', async () => {
    deployed();
    synthetics.on(GetCanaryRuns).resolves({
      CanaryRuns: [
        run('PASSED', ago(7 * MIN)),
        run('FAILED', ago(2 * MIN), 'create project: 503 after 2 attempts'),
      ],
    });
    expect((await liveCanaryRuns.run(ctx)).evidence).toBe(
      'agenticai-production (eu-west-1): last run FAILED at 2026-11-23T09:58:00.000Z: create project: 503 after 2 attempts',
    );
  });

  it(`R11.1 a last pass older than ${CANARY_STALE_INTERVALS} intervals fails; exactly ${CANARY_STALE_INTERVALS} passes`, async () => {
    deployed();
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [run('PASSED', ago(15 * MIN + 1))] });
    expect((await liveCanaryRuns.run(ctx)).evidence).toBe(
      'agenticai-production (eu-west-1): last run 2026-11-23T09:44:59.999Z is older than 3 × rate(5 minutes)',
    );
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [run('PASSED', ago(15 * MIN))] });
    expect((await liveCanaryRuns.run(ctx)).status).toBe('pass');
    // The interval is the deployed schedule's, not an assumed 5 minutes.
    deployed('RUNNING', 'rate(1 hour)');
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [run('PASSED', ago(100 * MIN))] });
    expect((await liveCanaryRuns.run(ctx)).status).toBe('pass');
  });

  it('a stopped canary, one that does not exist, a one-off schedule: each fails with the reason', async () => {
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [run('PASSED', ago(MIN))] });
    deployed('STOPPED');
    expect((await liveCanaryRuns.run(ctx)).evidence).toBe(
      'agenticai-production (eu-west-1): canary is STOPPED, not RUNNING',
    );
    deployed('RUNNING', 'rate(0 minute)');
    expect((await liveCanaryRuns.run(ctx)).evidence).toBe(
      'agenticai-production (eu-west-1): schedule rate(0 minute) is not a recurring rate',
    );
    synthetics.on(GetCanary).rejects(
      Object.assign(new Error('Canary agenticai-production not found'), {
        name: 'ResourceNotFoundException',
      }),
    );
    expect((await liveCanaryRuns.run(ctx)).evidence).toBe(
      'agenticai-production (eu-west-1): ResourceNotFoundException: Canary agenticai-production not found',
    );
  });

  it('R11.1 canaries the templates declare in other regions are each checked there', async () => {
    ctx.close();
    await open(
      templateSet([
        {
          stackName: 'agenticai-production-canary-ap-southeast-2',
          region: 'ap-southeast-2',
          template: { Resources: { Canary: canary('agenticai-production') } },
        },
      ]),
    );
    deployed();
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [run('PASSED', ago(2 * MIN))] });
    const result = await liveCanaryRuns.run(ctx);
    expect(result.status).toBe('pass');
    expect(result.evidence).toContain('agenticai-production (ap-southeast-2): last run PASSED');
    expect(await Promise.all(synthetics.commandCalls(GetCanaryRuns).map(regionOfCall))).toEqual([
      'eu-west-1',
      'ap-southeast-2',
    ]);
  });

  it('without a canary in the templates, the named canary is checked in the main region', async () => {
    ctx.close();
    const set = templateSet();
    delete set.stacks[1]!.template.Resources!.Canary;
    await open(set);
    deployed();
    synthetics.on(GetCanaryRuns).resolves({ CanaryRuns: [] });
    expect((await liveCanaryRuns.run(ctx)).evidence).toBe(
      'agenticai-production (eu-west-1): has never completed a run',
    );
  });

  it('reads rate schedules in minutes, hours and days; cron and run-once are not rates', () => {
    expect(scheduleIntervalMs('rate(5 minutes)')).toBe(5 * MIN);
    expect(scheduleIntervalMs('rate(1 minute)')).toBe(MIN);
    expect(scheduleIntervalMs('rate(2 hours)')).toBe(120 * MIN);
    expect(scheduleIntervalMs('rate(1 day)')).toBe(1440 * MIN);
    expect(scheduleIntervalMs('rate(0 minute)')).toBeUndefined();
    expect(scheduleIntervalMs('cron(0/5 * * * ? *)')).toBeUndefined();
    expect(scheduleIntervalMs(undefined)).toBeUndefined();
  });
});

describe('live:restore-drill', () => {
  const record = (over: Partial<RestoreDrillRecord> = {}): RestoreDrillRecord => ({
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
    ...over,
  });
  const stored = (value: string) =>
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: '/agenticai/production/recovery/last-drill', Value: value } });

  it('R7.5 a drill that passed 10 days ago passes, with its RTO and RPO, read from the named parameter', async () => {
    stored(JSON.stringify(record()));
    expect(await liveRestoreDrill.run(ctx)).toEqual({
      status: 'pass',
      evidence:
        'last drill passed 2026-11-13T09:40:00.000Z (10 days ago): 1200/1200 items, RTO 2400 s, RPO 60 s',
    });
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: '/agenticai/production/recovery/last-drill',
    });
  });

  it('R7.5 no parameter (SSM ParameterNotFound) fails with "no drill recorded" and the command to run', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    expect(await liveRestoreDrill.run(ctx)).toEqual({
      status: 'fail',
      evidence:
        'no drill recorded (/agenticai/production/recovery/last-drill): run agenticai drill restore --env production',
    });
  });

  it('R7.5 a failed drill fails with its reason; a malformed record fails; other AWS errors are named', async () => {
    stored(JSON.stringify(record({ result: 'fail', reason: 'items 1200 vs 1187' })));
    expect((await liveRestoreDrill.run(ctx)).evidence).toBe(
      'last drill 2026-11-13T09:40:00.000Z failed: items 1200 vs 1187',
    );
    stored('{"startedAt":"yesterday"}');
    expect(await liveRestoreDrill.run(ctx)).toEqual({
      status: 'fail',
      evidence: '/agenticai/production/recovery/last-drill holds no restore-drill record (malformed)',
    });
    stored(JSON.stringify(record({ finishedAt: 'last tuesday' })));
    expect((await liveRestoreDrill.run(ctx)).evidence).toBe(
      '/agenticai/production/recovery/last-drill: finishedAt last tuesday is not a time',
    );
    ssm.on(GetParameterCommand).rejects(
      Object.assign(new Error('not authorized to perform: ssm:GetParameter'), {
        name: 'AccessDeniedException',
      }),
    );
    expect((await liveRestoreDrill.run(ctx)).evidence).toBe(
      '/agenticai/production/recovery/last-drill: AccessDeniedException: not authorized to perform: ssm:GetParameter',
    );
  });

  it(`R7.5 a passed drill older than ${RESTORE_DRILL_MAX_AGE_DAYS} days fails as stale; ${RESTORE_DRILL_MAX_AGE_DAYS} days passes`, async () => {
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
    stored(JSON.stringify(record({ finishedAt: daysAgo(91) })));
    expect(await liveRestoreDrill.run(ctx)).toEqual({
      status: 'fail',
      evidence:
        'last drill passed 2026-08-24T10:00:00.000Z, 91 days ago (older than 90): run agenticai drill restore --env production',
    });
    stored(JSON.stringify(record({ finishedAt: daysAgo(90) })));
    expect((await liveRestoreDrill.run(ctx)).status).toBe('pass');
  });
});

describe('the live context', () => {
  it('registers every live check once, each naming requirements', () => {
    const ids = LIVE_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'live:alert-subscriptions',
        'live:waf-association',
        'live:canary-runs',
        'live:restore-drill',
      ]),
    );
    for (const c of LIVE_CHECKS) expect(c.requirements.length, c.id).toBeGreaterThan(0);
  });

  it('builds a client only when a check uses it, one per service and region, and destroys them on close', async () => {
    const destroyed: string[] = [];
    const track = (client: { destroy(): void }, name: string) => {
      const original = client.destroy.bind(client);
      client.destroy = () => {
        destroyed.push(name);
        original();
      };
      return client;
    };
    expect(ctx.partition).toBe('aws');
    expect(ctx.region).toBe('eu-west-1');
    const first = track(ctx.sns('us-east-1'), 'sns:us-east-1');
    expect(ctx.sns('us-east-1')).toBe(first);
    expect(ctx.sns()).not.toBe(first);
    track(ctx.sns(), 'sns:eu-west-1');
    track(ctx.ssm, 'ssm');
    ctx.close();
    expect(destroyed.sort()).toEqual(['sns:eu-west-1', 'sns:us-east-1', 'ssm']);
  });
});
