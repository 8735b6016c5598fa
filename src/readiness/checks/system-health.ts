import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { referencedIds, resourcesOf, text } from '../template-set.ts';

export const systemHealth: TemplateCheck = {
  id: 'system-health',
  requirements: ['C5'],
  description:
    'a composite alarm notifies the critical topic; every critical alarm pages once: directly or through the composite, never both',
  run(set) {
    const composites = resourcesOf(set, 'AWS::CloudWatch::CompositeAlarm');
    if (composites.length === 0) return fail('no composite alarm');
    const topic = resourcesOf(set, 'AWS::SNS::Topic').find(
      (t) => t.props.TopicName === resourceNames(set.env).topic('critical'),
    );
    const critical = resourcesOf(set, 'AWS::CloudWatch::Alarm').filter((a) =>
      text(a.props.AlarmDescription).startsWith('[critical]'),
    );
    const rule = composites.flatMap((c) => referencedIds(c.props.AlarmRule));
    // Direct paging: a critical topic of the stack that owns the alarm (the environment's, or the
    // account stack's for account-wide resources).
    const criticalTopics = resourcesOf(set, 'AWS::SNS::Topic')
      .filter((t) => String(t.props.TopicName).endsWith('-critical'))
      .map((t) => t.logicalId);
    const direct = (id: string) =>
      critical.some(
        (a) =>
          a.logicalId === id && referencedIds(a.props.AlarmActions).some((t) => criticalTopics.includes(t)),
      );
    const problems = [
      ...critical
        .filter((a) => !rule.includes(a.logicalId) && !direct(a.logicalId))
        .map((a) => `${a.props.AlarmName} pages nobody`),
      ...critical
        .filter((a) => rule.includes(a.logicalId) && direct(a.logicalId))
        .map((a) => `${a.props.AlarmName} pages twice (itself and through the composite)`),
      ...(topic && composites.some((c) => referencedIds(c.props.AlarmActions).includes(topic.logicalId))
        ? []
        : ['the composite does not notify the critical topic']),
    ];
    const covered = critical.filter((a) => rule.includes(a.logicalId)).length;
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(
          `${composites.map((c) => c.props.AlarmName).join(', ')} over ${covered} of ${critical.length} critical alarms; the others page directly`,
        );
  },
};
