import { BudgetsClient } from '@aws-sdk/client-budgets';
import {
  CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { resourceNames } from '../../naming.ts';
import type { CheckResult } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import type { TemplateSet } from '../template-set.ts';

/**
 * What live checks read: the environment's synthesized templates (the names of what should be
 * deployed: one source) and read-only AWS clients. Only Describe/Get/List calls are made.
 */
export interface LiveContext {
  set: TemplateSet;
  account: string;
  dynamodb: DynamoDBClient;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  sqs: SQSClient;
  budgets: BudgetsClient;
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

/** Opens the clients and resolves the account (failing here means no usable credentials). */
export async function openLiveContext(
  set: TemplateSet,
  config: { region?: string; profile?: string },
): Promise<LiveContext> {
  const profile = config.profile ? { profile: config.profile } : {};
  const sts = new STSClient(config);
  let account: string;
  try {
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  } finally {
    sts.destroy();
  }
  const cloudwatch = new CloudWatchClient(config);
  let alarms: ReturnType<LiveContext['alarms']> | undefined;
  const clients = {
    dynamodb: new DynamoDBClient(config),
    cloudwatch,
    logs: new CloudWatchLogsClient(config),
    sqs: new SQSClient(config),
    // Budgets has one endpoint, in us-east-1.
    budgets: new BudgetsClient({ region: 'us-east-1', ...profile }),
  };
  return {
    set,
    account,
    ...clients,
    alarms() {
      alarms ??= (async () => {
        const metric: MetricAlarm[] = [];
        const composite: CompositeAlarm[] = [];
        let token: string | undefined;
        do {
          const page = await cloudwatch.send(
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
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** An AWS error as evidence: its name and message, never a stack. */
export const awsProblem = (what: string, error: unknown) =>
  `${what}: ${(error as Error).name ?? 'Error'}: ${(error as Error).message}`;
