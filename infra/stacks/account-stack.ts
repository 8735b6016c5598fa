import { Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { AlertTopics } from '../constructs/alert-topics.ts';
import { CostGuard } from '../constructs/cost-guard.ts';

/**
 * Account- and region-wide resources, owned once rather than per environment: the API Gateway
 * CloudWatch role (`AWS::ApiGateway::Account` is one per region), the monthly budget and the cost
 * anomaly monitor (one SERVICE monitor per account), with their own alert topics.
 */
export interface AccountStackProps extends StackProps {
  adminEmails: string[];
  monthlyBudgetUsd: number;
  anomalyThresholdUsd: number;
  existingAnomalyMonitorArn?: string;
  budgetEnvironmentTag?: string;
}

export class AccountStack extends Stack {
  readonly apiGatewayLoggingRole: Role;
  readonly alerts: AlertTopics;
  readonly costs: CostGuard;

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, props);
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', 'account');
    this.apiGatewayLoggingRole = new Role(this, 'ApiGatewayLogging', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description:
        'Lets API Gateway write execution and access logs of every AgenticAI stage in this region.',
      inlinePolicies: {
        logs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogGroups',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
                'logs:GetLogEvents',
                'logs:FilterLogEvents',
              ],
              resources: [
                `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:API-Gateway-Execution-Logs_*`,
                `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:agenticai-*`,
                `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:API-Gateway-Execution-Logs_*:log-stream:*`,
              ],
            }),
          ],
        }),
      },
    });
    new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: this.apiGatewayLoggingRole.roleArn });

    // Budgets and anomaly alerts are account-wide: their own topics, owned here once.
    this.alerts = new AlertTopics(this, 'Alerts', {
      prefix: 'agenticai-account',
      adminEmails: props.adminEmails,
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
    const reason =
      'API Gateway names its execution log groups and streams after API ids and stages created later; the patterns are limited to this account, region and AgenticAI names.';
    for (const pattern of [
      'API-Gateway-Execution-Logs_*',
      'agenticai-*',
      'API-Gateway-Execution-Logs_*:log-stream:*',
    ]) {
      Validations.of(this.apiGatewayLoggingRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${this.region}:${this.account}:log-group:${pattern}]`,
        reason,
      });
    }
  }
}
