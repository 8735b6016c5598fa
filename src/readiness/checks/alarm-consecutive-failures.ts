import { alarmRuleCheck } from './alarm-rules.ts';

export const alarmConsecutiveFailures = alarmRuleCheck({
  catalogId: 'lambda-consecutive-failures',
  requirement: 'R3.3',
  description: 'every function alarms after errors in 3 consecutive 1-minute periods',
  perFunction: true,
  rule: {
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    metrics: ['Errors'],
  },
});
