import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf, text } from '../template-set.ts';
import { topicsReached } from './helpers.ts';

export const alertTopics: TemplateCheck = {
  id: 'alert-topics',
  requirements: ['C3'],
  description:
    'a general and a critical topic; critical alarms notify the critical one, warnings the general one',
  run(set) {
    const topic = (kind: 'general' | 'critical') =>
      resourcesOf(set, 'AWS::SNS::Topic').find(
        (t) => t.props.TopicName === resourceNames(set.env).topic(kind),
      );
    const general = topic('general');
    const critical = topic('critical');
    if (!general || !critical)
      return fail(`missing topic ${resourceNames(set.env).topic(general ? 'critical' : 'general')}`);
    // An alarm notifies only topics of its region: one in a canary region's stack (R11.5) reaches
    // that stack's own critical topic.
    const regional = resourcesOf(set, 'AWS::SNS::Topic').filter((t) =>
      String(t.props.TopicName).startsWith(`${resourceNames(set.env).prefix}-canary-`),
    );
    const misrouted = resourcesOf(set, 'AWS::CloudWatch::Alarm')
      .filter((a) => String(a.props.AlarmName).startsWith(resourceNames(set.env).alarmPrefix))
      .filter((a) => {
        const severity = text(a.props.AlarmDescription).match(/^\[(warning|critical)\]/)?.[1];
        const kind = severity === 'critical' ? 'critical' : 'general';
        const own = regional.find(
          (t) => t.stack === a.stack && String(t.props.TopicName).endsWith(`-${kind}`),
        );
        const wanted = a.stack === critical.stack ? (kind === 'critical' ? critical : general) : own;
        return !wanted || !topicsReached(set, a).includes(wanted.logicalId);
      });
    return misrouted.length > 0
      ? fail(`alarms on the wrong topic: ${misrouted.map((a) => a.props.AlarmName).join(', ')}`)
      : pass(`${general.props.TopicName} (warnings), ${critical.props.TopicName} (critical)`);
  },
};
