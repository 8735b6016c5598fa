import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import { type Json, resourcesOf } from '../template-set.ts';
import { type AlarmRule, alarmLabel, alarmProblems, alarmsOf } from './helpers.ts';

/**
 * An alarm check: the catalog alarm `catalogId` exists (per function when `perFunction`) with the
 * rule the requirement states. The numbers are the requirement's, so a catalog edit that drifts
 * from the specification fails here.
 */
export function alarmRuleCheck(opts: {
  catalogId: string;
  requirement: RequirementId;
  description: string;
  rule: AlarmRule;
  perFunction?: boolean;
}): TemplateCheck {
  return {
    id: `alarm-${opts.catalogId}`,
    requirements: [opts.requirement],
    description: opts.description,
    alarms: [opts.catalogId],
    run(set) {
      const alarms = alarmsOf(set, opts.catalogId);
      if (alarms.length === 0)
        return fail(`no alarm ${resourceNames(set.env).alarmPrefix}${opts.catalogId}-*`);
      const problems = alarms.flatMap((a) =>
        alarmProblems(set, a, opts.rule, alarmLabel(set, opts.catalogId, a)),
      );
      if (opts.perFunction) {
        const covered = new Set(
          alarms.flatMap((a) =>
            ((a.props.Metrics ?? []) as Json[])
              .flatMap((q) => q.MetricStat?.Metric?.Dimensions ?? [])
              .concat(a.props.Dimensions ?? [])
              .filter((d: Json) => d.Name === 'FunctionName')
              .map((d: Json) => d.Value?.Ref),
          ),
        );
        for (const fn of resourcesOf(set, 'AWS::Lambda::Function'))
          if (!covered.has(fn.logicalId))
            problems.push(`function ${fn.logicalId} has no ${opts.catalogId} alarm`);
      }
      return problems.length > 0
        ? fail(problems.join('; '))
        : pass(
            `${alarms.length} alarm(s) (${alarms.map((a) => alarmLabel(set, opts.catalogId, a)).join(', ')})`,
          );
    },
  };
}
