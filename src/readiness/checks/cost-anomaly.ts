import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, resourcesOf } from '../template-set.ts';

export const costAnomaly: TemplateCheck = {
  id: 'cost-anomaly',
  requirements: ['C14'],
  description: 'a cost anomaly subscription on a SERVICE monitor alerts a topic immediately',
  run(set) {
    const subscriptions = resourcesOf(set, 'AWS::CE::AnomalySubscription');
    if (subscriptions.length === 0) return fail('no cost anomaly subscription');
    const s = subscriptions[0]!.props;
    if (s.Frequency !== 'IMMEDIATE' || !(s.Subscribers ?? []).some((x: Json) => x.Type === 'SNS'))
      return fail(
        `${s.SubscriptionName}: ${s.Frequency} to ${(s.Subscribers ?? []).map((x: Json) => x.Type).join(', ')}`,
      );
    const monitor = resourcesOf(set, 'AWS::CE::AnomalyMonitor')[0];
    return pass(
      `${s.SubscriptionName}: IMMEDIATE to SNS, monitor ${monitor ? `${monitor.props.MonitorName} (${monitor.props.MonitorDimension})` : 'an existing one'}`,
    );
  },
};
