import { Stack, type StackProps, Tags, Token, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { APP_NAME } from '../../src/naming.ts';

/**
 * What one account needs once per region: the API Gateway CloudWatch role
 * (`AWS::ApiGateway::Account` is per account and region). A stage with execution logging fails to
 * create until it exists, so every environment stack in this account and region depends on this one.
 */
export class RegionStack extends Stack {
  readonly apiGatewayLoggingRole: Role;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', 'region');
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
                `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:${APP_NAME}-*`,
                `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:API-Gateway-Execution-Logs_*:log-stream:*`,
              ],
            }),
          ],
        }),
      },
    });
    new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: this.apiGatewayLoggingRole.roleArn });
    const reason =
      'API Gateway names its execution log groups and streams after API ids and stages created later; the patterns are limited to this account, region and AgenticAI names.';
    // cdk-nag names the partition as a literal when the stack's region is known.
    const partition = Token.isUnresolved(this.partition) ? '<AWS::Partition>' : this.partition;
    for (const pattern of [
      'API-Gateway-Execution-Logs_*',
      `${APP_NAME}-*`,
      'API-Gateway-Execution-Logs_*:log-stream:*',
    ]) {
      Validations.of(this.apiGatewayLoggingRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:logs:${this.region}:${this.account}:log-group:${pattern}]`,
        reason,
      });
    }
  }
}
