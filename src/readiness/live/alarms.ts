import { fail, pass } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import { resourcesOf, text } from '../template-set.ts';
import { awsProblem, type LiveCheck } from './context.ts';

/** The template's alarms for `requirement` are deployed, and none is in ALARM now. */
export function liveAlarms(requirement: RequirementId): LiveCheck {
  return {
    id: `live:alarms-${requirement}`,
    requirements: [requirement],
    description: `every ${requirement} alarm of the template is deployed and not in ALARM`,
    async run(ctx) {
      const expected = resourcesOf(ctx.set, 'AWS::CloudWatch::Alarm')
        .filter((a) => text(a.props.AlarmDescription).split(' ')[1] === requirement)
        .map((a) => String(a.props.AlarmName));
      if (expected.length === 0) return fail(`no ${requirement} alarm in the template`);
      let deployed: Awaited<ReturnType<typeof ctx.alarms>>['metric'];
      try {
        deployed = (await ctx.alarms()).metric;
      } catch (error) {
        return fail(awsProblem('DescribeAlarms', error));
      }
      const missing = expected.filter((name) => !deployed.some((a) => a.AlarmName === name));
      const firing = deployed.filter((a) => expected.includes(a.AlarmName ?? '') && a.StateValue === 'ALARM');
      const problems = [
        ...missing.map((name) => `${name} not deployed`),
        ...firing.map(
          (a) => `${a.AlarmName} in ALARM since ${a.StateUpdatedTimestamp?.toISOString() ?? '?'}`,
        ),
      ];
      return problems.length > 0
        ? fail(problems.join('; '))
        : pass(`${expected.length} alarm(s) deployed, none in ALARM`);
    },
  };
}

export const liveSystemHealth: LiveCheck = {
  id: 'live:system-health',
  requirements: ['C5'],
  description: 'the composite system-health alarm is deployed and OK',
  async run(ctx) {
    try {
      const { composite } = await ctx.alarms();
      if (composite.length === 0) return fail('no composite alarm deployed');
      const bad = composite.filter((c) => c.StateValue !== 'OK');
      return bad.length > 0
        ? fail(bad.map((c) => `${c.AlarmName} ${c.StateValue}: ${c.StateReason ?? ''}`.trim()).join('; '))
        : pass(composite.map((c) => `${c.AlarmName} OK`).join(', '));
    } catch (error) {
      return fail(awsProblem('DescribeAlarms', error));
    }
  },
};
