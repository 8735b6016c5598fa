import { resourceNames } from '../../naming.ts';
import { fail, notApplicable, pass, type TemplateCheck } from '../check.ts';
import { referencedIds, resourcesOf } from '../template-set.ts';

export const slackNotifier: TemplateCheck = {
  id: 'slack-notifier',
  requirements: ['C4'],
  description: 'the optional Slack notifier is subscribed to every alert topic with a dead-letter queue',
  run(set) {
    const topics = resourcesOf(set, 'AWS::SNS::Topic').filter((t) =>
      String(t.props.TopicName).startsWith(`${resourceNames(set.env).prefix}-`),
    );
    const lambdaSubs = resourcesOf(set, 'AWS::SNS::Subscription').filter(
      (s) => s.props.Protocol === 'lambda',
    );
    if (lambdaSubs.length === 0) return notApplicable('no Slack notifier in this environment');
    const problems = [
      ...topics
        .filter((t) => !lambdaSubs.some((s) => referencedIds(s.props.TopicArn).includes(t.logicalId)))
        .map((t) => `${t.props.TopicName} does not reach the notifier`),
      ...lambdaSubs
        .filter((s) => !s.props.RedrivePolicy)
        .map((s) => `subscription ${s.logicalId} has no DLQ`),
    ];
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`notifier subscribed to ${topics.length} topics, undeliverable alerts kept in a DLQ`);
  },
};
