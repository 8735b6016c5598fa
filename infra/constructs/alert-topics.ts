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
    this.key = alertKey(this, 'Key', props.prefix, props.keyRemovalPolicy);
    this.deliveryDlq = alertDeliveryDlq(this, 'DeliveryDlq', `${props.prefix}-alert-delivery-dlq`);
    const topic = (name: string, label: string) => {
      const t = alertTopic(this, name, {
        topicName: `${props.prefix}-${label}`,
        displayName: `AgenticAI ${props.prefix} ${label} alerts`,
        key: this.key,
        adminEmails: props.adminEmails,
        deliveryDlq: this.deliveryDlq,
      });
      if (props.notifier)
        t.addSubscription(new LambdaSubscription(props.notifier, { deadLetterQueue: this.deliveryDlq }));
      return t;
    };
    this.general = topic('GeneralTopic', 'general');
    this.critical = topic('CriticalTopic', 'critical');
  }
}

/**
 * The customer-managed key of alert topics (rotation on): CloudWatch, Budgets and Cost Anomaly
 * Detection of this account may use it (an AWS-managed SNS key admits no service publisher).
 */
export function alertKey(scope: Construct, id: string, prefix: string, removalPolicy?: RemovalPolicy) {
  const account = Stack.of(scope).account;
  const key = new Key(scope, id, {
    enableKeyRotation: true,
    removalPolicy: removalPolicy ?? RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
    description: `Encrypts the ${prefix} alert topics; usable by CloudWatch, Budgets and Cost Anomaly Detection`,
  });
  for (const service of ALERT_PUBLISHERS) {
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: `AllowPublishFrom${service.split('.')[0]}`,
        principals: [new ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
  }
  return key;
}

/** Where undeliverable alert notifications are kept (14 days). */
export function alertDeliveryDlq(scope: Construct, id: string, queueName: string) {
  const queue = new Queue(scope, id, {
    queueName,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  for (const ruleId of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
    Validations.of(queue).acknowledge({
      id: ruleId,
      reason: 'This queue is itself a dead-letter queue (undeliverable alert notifications).',
    });
  }
  return queue;
}

/** One alert topic: encrypted with `key`, TLS-only, publishable by the alert services, every email subscribed. */
export function alertTopic(
  scope: Construct,
  id: string,
  props: { topicName: string; displayName: string; key: Key; adminEmails: string[]; deliveryDlq: Queue },
) {
  const account = Stack.of(scope).account;
  const t = new Topic(scope, id, {
    topicName: props.topicName,
    displayName: props.displayName,
    masterKey: props.key,
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
    t.addSubscription(new EmailSubscription(email, { deadLetterQueue: props.deliveryDlq }));
  }
  return t;
}
