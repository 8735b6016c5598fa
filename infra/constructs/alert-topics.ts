import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Services that publish to the alert topics: alarms, budgets, cost anomaly detection (SPEC §6). */
export const ALERT_PUBLISHERS = [
  'cloudwatch.amazonaws.com',
  'budgets.amazonaws.com',
  'costalerts.amazonaws.com',
] as const;

export interface AlertTopicsProps {
  /** Name prefix, e.g. `agenticai-production` or `agenticai-account`. */
  prefix: string;
  adminEmails: string[];
  /** A function (the Slack notifier) subscribed to both topics. */
  notifier?: IFunction;
  /** The topic key protects notifications in flight, no retained data. Default DESTROY. */
  keyRemovalPolicy?: RemovalPolicy;
}

/**
 * The two alert topics (`general` for warnings, `critical`), encrypted with a customer-managed key
 * (rotation on) that CloudWatch, Budgets and Cost Anomaly Detection of this account may use;
 * TLS-only; every administrator email subscribed; undeliverable notifications kept in a DLQ.
 */
export class AlertTopics extends Construct {
  readonly key: Key;
  readonly general: Topic;
  readonly critical: Topic;
  readonly deliveryDlq: Queue;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.key = new Key(this, 'Key', {
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
      description: `Encrypts the ${props.prefix} alert topics; usable by CloudWatch, Budgets and Cost Anomaly Detection`,
    });
    for (const service of ALERT_PUBLISHERS) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `AllowPublishFrom${service.split('.')[0]}`,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
    }
    this.deliveryDlq = new Queue(this, 'DeliveryDlq', {
      queueName: `${props.prefix}-alert-delivery-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const ruleId of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(this.deliveryDlq).acknowledge({
        id: ruleId,
        reason: 'This queue is itself a dead-letter queue (undeliverable alert notifications).',
      });
    }
    const topic = (name: string, label: string) => {
      const t = new Topic(this, name, {
        topicName: `${props.prefix}-${label}`,
        displayName: `AgenticAI ${props.prefix} ${label} alerts`,
        masterKey: this.key,
        enforceSSL: true,
      });
      t.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowAlertPublishers',
          principals: ALERT_PUBLISHERS.map((s) => new ServicePrincipal(s)),
          actions: ['sns:Publish'],
          resources: [t.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
      for (const email of props.adminEmails) {
        t.addSubscription(new EmailSubscription(email, { deadLetterQueue: this.deliveryDlq }));
      }
      if (props.notifier)
        t.addSubscription(new LambdaSubscription(props.notifier, { deadLetterQueue: this.deliveryDlq }));
      return t;
    };
    this.general = topic('GeneralTopic', 'general');
    this.critical = topic('CriticalTopic', 'critical');
  }
}
