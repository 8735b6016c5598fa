import type { AlarmBase } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { AlarmSpec } from '../../src/observability/alarm-catalog.ts';

export interface AlertChannels {
  /** Warnings. */
  readonly general: ITopic;
  /** Critical alarms and the composite `system-health`. */
  readonly critical: ITopic;
}

/**
 * Each alert reaches each channel once: an alarm whose catalog entry pages `direct` notifies its
 * severity's topic on ALARM and OK; one that pages through the composite notifies nothing itself
 * (the composite does). Every topic has the emails and the Slack notifier subscribed.
 */
export function topicFor(spec: Pick<AlarmSpec, 'paging' | 'severity'>, channels: AlertChannels) {
  if (spec.paging === 'composite') return undefined;
  return spec.severity === 'critical' ? channels.critical : channels.general;
}

export function notify(alarm: AlarmBase, topic: ITopic) {
  alarm.addAlarmAction(new SnsAction(topic));
  alarm.addOkAction(new SnsAction(topic));
}
