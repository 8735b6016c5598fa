import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { referencedIds, resourcesOf } from '../template-set.ts';
import { topicsReached } from './helpers.ts';

export const emailAlerts: TemplateCheck = {
  id: 'email-alerts',
  requirements: ['R3.4'],
  description:
    'every alert topic of the environment has an email subscription and every alarm reaches a topic, directly or through the composite',
  run(set) {
    const topics = resourcesOf(set, 'AWS::SNS::Topic').filter((t) =>
      String(t.props.TopicName).startsWith(`${resourceNames(set.env).prefix}-`),
    );
    if (topics.length === 0) return fail(`no topic ${resourceNames(set.env).prefix}-*`);
    const emails = resourcesOf(set, 'AWS::SNS::Subscription').filter((s) => s.props.Protocol === 'email');
    const topicIds = new Set(topics.map((t) => t.logicalId));
    const problems = [
      ...topics
        .filter((t) => !emails.some((s) => referencedIds(s.props.TopicArn).includes(t.logicalId)))
        .map((t) => `${t.props.TopicName} has no email subscription`),
      ...resourcesOf(set, 'AWS::CloudWatch::Alarm')
        .filter((a) => String(a.props.AlarmName).startsWith(resourceNames(set.env).alarmPrefix))
        .filter((a) => !topicsReached(set, a).some((id) => topicIds.has(id)))
        .map((a) => `${a.props.AlarmName} notifies no alert topic`),
    ];
    const addresses = [...new Set(emails.map((s) => String(s.props.Endpoint)))].length;
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${topics.map((t) => t.props.TopicName).join(', ')}: email to ${addresses} address(es)`);
  },
};
