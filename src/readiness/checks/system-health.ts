import { fail, pass, type TemplateCheck } from '../check.ts';
import { referencedIds, resourcesOf, text } from '../template-set.ts';

export const systemHealth: TemplateCheck = {
  id: 'system-health',
  requirements: ['C5'],
  description: 'a composite alarm over every critical alarm notifies the critical topic',
  run(set) {
    const composites = resourcesOf(set, 'AWS::CloudWatch::CompositeAlarm');
    if (composites.length === 0) return fail('no composite alarm');
    const critical = resourcesOf(set, 'AWS::CloudWatch::Alarm').filter((a) =>
      text(a.props.AlarmDescription).startsWith('[critical]'),
    );
    const rule = composites.flatMap((c) => referencedIds(c.props.AlarmRule));
    const uncovered = critical.filter((a) => !rule.includes(a.logicalId));
    const topic = resourcesOf(set, 'AWS::SNS::Topic').find(
      (t) => t.props.TopicName === `agenticai-${set.env}-critical`,
    );
    const problems = [
      ...uncovered.map((a) => `${a.props.AlarmName} is not part of the composite`),
      ...(topic && composites.some((c) => referencedIds(c.props.AlarmActions).includes(topic.logicalId))
        ? []
        : ['the composite does not notify the critical topic']),
    ];
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(
          `${composites.map((c) => c.props.AlarmName).join(', ')} over ${critical.length} critical alarms`,
        );
  },
};
