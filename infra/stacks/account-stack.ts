import { RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { accountNames } from '../../src/naming.ts';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';
import { AlertTopics } from '../constructs/alert-topics.ts';
import { CostGuard } from '../constructs/cost-guard.ts';
import { catalogAlarm } from '../observability/alarms.ts';
import { MetricFactory } from '../observability/metric-factory.ts';

/** Cost Explorer anomaly monitors and subscriptions exist only here; budgets are global but live here too. */
export const ACCOUNT_STACK_REGION = 'us-east-1';

/**
 * What one account needs once, in us-east-1: the monthly budget and the cost anomaly monitor (one
 * SERVICE monitor per account) with their own alert topics.
 */
export interface AccountStackProps extends StackProps {
  adminEmails: string[];
  monthlyBudgetUsd: number;
  anomalyThresholdUsd: number;
  existingAnomalyMonitorArn?: string;
  budgetEnvironmentTag?: string;
}

export class AccountStack extends Stack {
  readonly alerts: AlertTopics;
  readonly costs: CostGuard;

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, props);
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', 'account');
    this.alerts = new AlertTopics(this, 'Alerts', {
      prefix: accountNames.accountStack,
      adminEmails: props.adminEmails,
      // The key protects notifications in flight only, no retained data.
      keyRemovalPolicy: RemovalPolicy.DESTROY,
    });
    this.costs = new CostGuard(this, 'Costs', {
      monthlyBudgetUsd: props.monthlyBudgetUsd,
      adminEmails: props.adminEmails,
      general: this.alerts.general,
      critical: this.alerts.critical,
      anomalyThresholdUsd: props.anomalyThresholdUsd,
      existingAnomalyMonitorArn: props.existingAnomalyMonitorArn,
      environmentTag: props.budgetEnvironmentTag,
    });
    // Budget and anomaly notifications that cannot be delivered land here: watched like every DLQ (C8).
    catalogAlarm(
      this,
      ALARM_CATALOG.find((spec) => spec.id === 'dlq-messages')!,
      { resource: 'alert-delivery-dlq', values: { queue: this.alerts.deliveryDlq.queueName } },
      {
        envName: 'account',
        metrics: new MetricFactory('account'),
        channels: { general: this.alerts.general, critical: this.alerts.critical },
      },
    );
  }
}
