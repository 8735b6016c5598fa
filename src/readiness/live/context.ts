import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SyntheticsClient } from '@aws-sdk/client-synthetics';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { resourceNames } from '../../naming.ts';
import type { CheckResult } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import type { TemplateSet } from '../template-set.ts';

/**
 * What live checks read: the environment's synthesized templates (the names of what should be
 * deployed: one source) and read-only AWS clients. Only Describe/Get/List calls are made.
 * Each client is built on first use (one per service, and per region for the regional ones a
 * check names) and destroyed by `close()`.
 */
export interface LiveContext {
  set: TemplateSet;
  account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: from the caller's ARN, for the ARNs checks build. */
  partition: string;
  /** The main region: `--region` or the SDK's default, where the environment stack is deployed. */
  region: string;
  /** The clock the age checks (canary runs, restore drill) compare with; injected in tests. */
  now(): Date;
  readonly dynamodb: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly sqs: SQSClient;
  readonly budgets: BudgetsClient;
  readonly ssm: SSMClient;
  /** CloudFormation in `region` (default: the main region), for stack outputs. */
  cloudformation(region?: string): CloudFormationClient;
  /** WAFV2 in `region`: a regional web ACL is read where its API is. */
  wafv2(region?: string): WAFV2Client;
  /** SNS in `region` (the account stack's topics live in its own region). */
  sns(region?: string): SNSClient;
  /** Synthetics in `region` (a canary per region of `canaryRegions`). */
  synthetics(region?: string): SyntheticsClient;
  /** The region a stack of the set is deployed to: the main region for the environment stack. */
  regionOf(stackName: string): string;
  /** Every deployed alarm of the environment, read once. */
  alarms(): Promise<{ metric: MetricAlarm[]; composite: CompositeAlarm[] }>;
  close(): void;
}

export interface LiveCheck {
  id: string;
  requirements: readonly RequirementId[];
  description: string;
  run(ctx: LiveContext): Promise<CheckResult>;
}

type ClientConfig = { region?: string; profile?: string };
type Destroyable = { destroy(): void };

/** Opens the clients and resolves the account (failing here means no usable credentials). */
export async function openLiveContext(
  set: TemplateSet,
  config: ClientConfig,
  opts: { now?: () => Date } = {},
): Promise<LiveContext> {
  const sts = new STSClient(config);
  let account: string;
  let partition: string;
  let region: string;
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    account = identity.Account ?? '';
    partition = identity.Arn?.split(':')[1] || 'aws';
    region = await sts.config.region();
  } finally {
    sts.destroy();
  }
  const open = new Map<string, Destroyable>();
  /** One client per service and region, built on first use. */
  const lazy = <C extends Destroyable>(key: string, build: () => C): C => {
    let client = open.get(key) as C | undefined;
    if (!client) {
      client = build();
      open.set(key, client);
    }
    return client;
  };
  const inRegion = (r: string | undefined) => ({ ...config, region: r ?? region });
  let alarms: ReturnType<LiveContext['alarms']> | undefined;
  const ctx: LiveContext = {
    set,
    account,
    partition,
    region,
    now: opts.now ?? (() => new Date()),
    get dynamodb() {
      return lazy('dynamodb', () => new DynamoDBClient(config));
    },
    get cloudwatch() {
      return lazy('cloudwatch', () => new CloudWatchClient(config));
    },
    get logs() {
      return lazy('logs', () => new CloudWatchLogsClient(config));
    },
    get sqs() {
      return lazy('sqs', () => new SQSClient(config));
    },
    // Budgets has one endpoint, in us-east-1.
    get budgets() {
      return lazy('budgets', () => new BudgetsClient(inRegion('us-east-1')));
    },
    get ssm() {
      return lazy('ssm', () => new SSMClient(config));
    },
    cloudformation: (r) => lazy(`cloudformation:${r ?? region}`, () => new CloudFormationClient(inRegion(r))),
    wafv2: (r) => lazy(`wafv2:${r ?? region}`, () => new WAFV2Client(inRegion(r))),
    sns: (r) => lazy(`sns:${r ?? region}`, () => new SNSClient(inRegion(r))),
    synthetics: (r) => lazy(`synthetics:${r ?? region}`, () => new SyntheticsClient(inRegion(r))),
    regionOf(stackName) {
      if (stackName === resourceNames(set.env).stack) return region;
      return set.stacks.find((s) => s.stackName === stackName)?.region ?? region;
    },
    alarms() {
      alarms ??= (async () => {
        const metric: MetricAlarm[] = [];
        const composite: CompositeAlarm[] = [];
        let token: string | undefined;
        do {
          const page = await ctx.cloudwatch.send(
            new DescribeAlarmsCommand({
              AlarmNamePrefix: resourceNames(set.env).alarmPrefix,
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              NextToken: token,
            }),
          );
          metric.push(...(page.MetricAlarms ?? []));
          composite.push(...(page.CompositeAlarms ?? []));
          token = page.NextToken;
        } while (token);
        return { metric, composite };
      })();
      return alarms;
    },
    close() {
      for (const client of open.values()) client.destroy();
      open.clear();
    },
  };
  return ctx;
}

/** An AWS error as evidence: its name and message, never a stack. */
export const awsProblem = (what: string, error: unknown) =>
  `${what}: ${(error as Error).name ?? 'Error'}: ${(error as Error).message}`;

/** Whether `error` is the AWS error `name` (the SDK sets `name` to the service's error code). */
export const isAwsError = (error: unknown, name: string) => (error as Error | undefined)?.name === name;
