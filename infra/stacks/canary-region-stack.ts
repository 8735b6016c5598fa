import { RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Subscription, SubscriptionProtocol, type Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DEFAULT_CANARY_STEP_BUDGET_MS } from '../../src/config.ts';
import { resourceNames } from '../../src/naming.ts';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';
import type { EnvironmentConfig } from '../config.ts';
import { alertDeliveryDlq, alertKey, alertTopic } from '../constructs/alert-topics.ts';
import { HealthCanary } from '../constructs/health-canary.ts';
import { type CatalogAlarms, catalogAlarm } from '../observability/alarms.ts';
import { MetricFactory } from '../observability/metric-factory.ts';
import { canaryTarget } from '../observability/monitoring.ts';

export const CANARY_ALARM = ALARM_CATALOG.find((a) => a.id === 'canary-failed')!;
const DLQ_ALARM = ALARM_CATALOG.find((a) => a.id === 'dlq-messages')!;

export interface CanaryRegionStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** What the environment stack (main region) provides; passed as cross-region references. */
  readonly main: {
    /** The API's base URL. */
    readonly endpoint: string;
    /** The canary key secret's full ARN, in the main region. */
    readonly keySecretArn: string;
    readonly region: string;
    /**
     * The Slack notifier's `live` alias (main region); it allows this region's topic to invoke it.
     * @default none: the environment's cost profile has no Slack notifier (email only)
     */
    readonly notifierArn?: string;
  };
}

/**
 * R11.5: the health-check canary of one extra region of `canaryRegions`, in a stack of its own
 * (`agenticai-<env>-canary-<region>`): the canary with its encrypted artifacts bucket, its
 * catalog alarm (`canary-failed-<region>`: 2 consecutive failed runs, missing data breaching), and
 * its own critical topic (an alarm can only notify a topic in its region) with every admin email
 * and the main region's Slack notifier subscribed. It depends on the environment stack (the API
 * URL, the key secret, the notifier are cross-region references, so `cdk deploy` deploys that first).
 */
export class CanaryRegionStack extends Stack {
  readonly envName: string;
  readonly healthCanary: HealthCanary;
  readonly topic: Topic;
  readonly alarm: CatalogAlarms['alarms'][number];
  readonly deliveryDlqAlarm: CatalogAlarms['alarms'][number];

  constructor(scope: Construct, id: string, props: CanaryRegionStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const { config, main } = props;
    this.envName = config.name;
    const names = resourceNames(config.name);
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', config.name);
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    this.healthCanary = new HealthCanary(this, 'HealthCanary', {
      name: names.canary,
      endpoint: main.endpoint,
      intervalMinutes: config.canaryIntervalMinutes,
      keySecret: { secretArn: main.keySecretArn, region: main.region },
      stepBudgetMs: DEFAULT_CANARY_STEP_BUDGET_MS,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });

    const prefix = names.canaryStack(this.region);
    const key = alertKey(this, 'AlertKey', prefix);
    const deliveryDlq = alertDeliveryDlq(this, 'AlertDeliveryDlq', names.canaryDeliveryDlq(this.region));
    this.topic = alertTopic(this, 'CriticalTopic', {
      topicName: names.canaryTopic(this.region),
      displayName: `AgenticAI ${config.name} canary ${this.region} critical alerts`,
      key,
      adminEmails: config.adminEmails,
      deliveryDlq,
    });
    // SNS delivers to a Lambda function in another region; the function's permission for this
    // topic is in the environment stack (a Lambda permission lives in the function's region).
    if (main.notifierArn)
      new Subscription(this, 'NotifierSubscription', {
        topic: this.topic,
        protocol: SubscriptionProtocol.LAMBDA,
        endpoint: main.notifierArn,
        deadLetterQueue: deliveryDlq,
      });

    const alarmProps = {
      envName: config.name,
      metrics: new MetricFactory(config.name),
      // Both alarms here are critical and page directly: only the critical channel is used.
      channels: { general: this.topic, critical: this.topic },
      runbookUrl: config.runbookUrl,
    };
    this.alarm = catalogAlarm(
      this,
      CANARY_ALARM,
      canaryTarget({
        name: this.healthCanary.canary.canaryName,
        region: this.region,
        intervalMinutes: config.canaryIntervalMinutes,
      }),
      alarmProps,
    );
    // C8: undeliverable alerts of this region are watched too (the main dashboard draws the queue).
    this.deliveryDlqAlarm = catalogAlarm(
      this,
      DLQ_ALARM,
      { resource: 'alert-delivery-dlq', values: { queue: deliveryDlq.queueName } },
      alarmProps,
    );
  }
}
