import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { CfnAnomalyMonitor, CfnAnomalySubscription } from 'aws-cdk-lib/aws-ce';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { accountNames } from '../../src/naming.ts';

export interface CostGuardProps {
  /** Monthly budget in USD (R5.1). Default 50. */
  monthlyBudgetUsd?: number;
  adminEmails: string[];
  general: ITopic;
  critical: ITopic;
  /** Restrict the budget to resources tagged `Environment=<value>` (a cost allocation tag to activate first). */
  environmentTag?: string;
  /** Anomaly alert threshold, USD of total impact. Default 10. */
  anomalyThresholdUsd?: number;
  /** An account allows one SERVICE monitor; reuse it when one exists (AWS creates a default one). */
  existingAnomalyMonitorArn?: string;
}

/**
 * Account-wide cost control (owned once, by the account stack): the monthly budget with ACTUAL 80 %
 * (general), ACTUAL 100 % (critical) and FORECASTED 100 % (general) notifications, and a Cost
 * Anomaly Detection subscription alerting the general topic immediately.
 */
export class CostGuard extends Construct {
  readonly budget: CfnBudget;
  readonly anomalyMonitorArn: string;
  readonly anomalySubscription: CfnAnomalySubscription;

  constructor(scope: Construct, id: string, props: CostGuardProps) {
    super(scope, id);
    const emails = props.adminEmails.slice(0, 9).map((address) => ({ subscriptionType: 'EMAIL', address }));
    const notify = (
      notificationType: 'ACTUAL' | 'FORECASTED',
      threshold: number,
      topic: ITopic,
      withEmail: boolean,
    ) => ({
      notification: {
        notificationType,
        comparisonOperator: 'GREATER_THAN',
        threshold,
        thresholdType: 'PERCENTAGE',
      },
      subscribers: [{ subscriptionType: 'SNS', address: topic.topicArn }, ...(withEmail ? emails : [])],
    });
    this.budget = new CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetName: accountNames.budget,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyBudgetUsd ?? 50, unit: 'USD' },
        ...(props.environmentTag && {
          costFilters: { TagKeyValue: [`user:Environment$${props.environmentTag}`] },
        }),
      },
      notificationsWithSubscribers: [
        notify('ACTUAL', 80, props.general, true),
        notify('ACTUAL', 100, props.critical, true),
        notify('FORECASTED', 100, props.general, false),
      ],
    });

    if (props.existingAnomalyMonitorArn) {
      this.anomalyMonitorArn = props.existingAnomalyMonitorArn;
    } else {
      const monitor = new CfnAnomalyMonitor(this, 'ServiceMonitor', {
        monitorName: accountNames.anomalyMonitor,
        monitorType: 'DIMENSIONAL',
        monitorDimension: 'SERVICE',
      });
      this.anomalyMonitorArn = monitor.attrMonitorArn;
    }
    this.anomalySubscription = new CfnAnomalySubscription(this, 'AnomalyAlerts', {
      subscriptionName: accountNames.anomalySubscription,
      frequency: 'IMMEDIATE',
      monitorArnList: [this.anomalyMonitorArn],
      subscribers: [{ type: 'SNS', address: props.general.topicArn }],
      thresholdExpression: JSON.stringify({
        Dimensions: {
          Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
          MatchOptions: ['GREATER_THAN_OR_EQUAL'],
          Values: [String(props.anomalyThresholdUsd ?? 10)],
        },
      }),
    });
  }
}
