import { ALARM_CATALOG, thresholdFor } from '../../observability/alarm-catalog.ts';
import { type Found, type Json, resourcesOf, type TemplateSet } from '../template-set.ts';
import { alarmRuleCheck } from './alarm-rules.ts';

const spec = ALARM_CATALOG.find((a) => a.id === 'lambda-duration')!;

/** The timeout (seconds) of the function an alarm watches, read from the template. */
function watchedTimeout(set: TemplateSet, alarm: Found): number | undefined {
  const ref = ((alarm.props.Dimensions ?? []) as Json[]).find((d) => d.Name === 'FunctionName')?.Value?.Ref;
  const fn = resourcesOf(set, 'AWS::Lambda::Function').find((f) => f.logicalId === ref);
  return typeof fn?.props.Timeout === 'number' ? fn.props.Timeout : undefined;
}

export const alarmLambdaDuration = alarmRuleCheck({
  catalogId: 'lambda-duration',
  requirement: 'R4.1',
  description:
    "every function warns on a long invocation: the API above 10 s (R4.1), the others at the catalog's share of their timeout",
  perFunction: true,
  rule: {
    threshold: (set, alarm, label) => {
      // R4.1 states the API's value itself: the catalog may not move it.
      if (label === 'api') return 10_000;
      try {
        return thresholdFor(spec, { resource: label, timeoutSeconds: watchedTimeout(set, alarm) });
      } catch {
        return undefined;
      }
    },
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    metrics: ['Duration'],
  },
});
