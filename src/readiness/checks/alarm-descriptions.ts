import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf, text } from '../template-set.ts';

/** Severity, requirement ID, what happened to which resource, and the runbook section. */
const SHAPE = /^\[(warning|critical)\] (R\d+\.\d+|C\d*) .+ Runbook: \S+RUNBOOK\.md#[a-z0-9-]+$/;

export const alarmDescriptions: TemplateCheck = {
  id: 'alarm-descriptions',
  requirements: ['R3.5'],
  description:
    'every alarm message names severity, requirement, the affected resource and its runbook section',
  run(set) {
    const alarms = resourcesOf(set, 'AWS::CloudWatch::Alarm');
    if (alarms.length === 0) return fail('no alarm');
    const bad = alarms.filter((a) => !SHAPE.test(text(a.props.AlarmDescription)));
    return bad.length > 0
      ? fail(
          `descriptions without severity, requirement or runbook link: ${bad.map((a) => a.props.AlarmName).join(', ')}`,
        )
      : pass(`${alarms.length} alarm descriptions name severity, requirement, resource and runbook section`);
  },
};
