import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

export const canarySchedule: TemplateCheck = {
  id: 'canary',
  requirements: ['R11.1'],
  description: 'a Synthetics canary runs every 5 minutes',
  run(set) {
    const canaries = resourcesOf(set, 'AWS::Synthetics::Canary');
    if (canaries.length === 0) return fail('no Synthetics canary');
    const slow = canaries.filter((c) => c.props.Schedule?.Expression !== 'rate(5 minutes)');
    return slow.length > 0
      ? fail(slow.map((c) => `${c.props.Name}: ${c.props.Schedule?.Expression}`).join('; '))
      : pass(`${canaries.map((c) => c.props.Name).join(', ')} every 5 minutes`);
  },
};

export const canaryAlarm: TemplateCheck = {
  id: 'canary-alarm',
  requirements: ['R11.2'],
  description: 'two consecutive canary failures raise an alarm',
  alarms: ['canary-failed'],
  run(set) {
    const alarms = resourcesOf(set, 'AWS::CloudWatch::Alarm').filter(
      (a) =>
        a.props.Namespace === 'CloudWatchSynthetics' ||
        JSON.stringify(a.props.Metrics ?? '').includes('CloudWatchSynthetics'),
    );
    const two = alarms.filter(
      (a) => a.props.EvaluationPeriods === 2 && (a.props.DatapointsToAlarm ?? 2) === 2,
    );
    return two.length > 0
      ? pass(two.map((a) => a.props.AlarmName).join(', '))
      : fail('no alarm on 2 consecutive canary failures');
  },
};
