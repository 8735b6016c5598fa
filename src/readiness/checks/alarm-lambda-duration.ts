import { alarmRuleCheck } from './alarm-rules.ts';

export const alarmLambdaDuration = alarmRuleCheck({
  catalogId: 'lambda-duration',
  requirement: 'R4.1',
  description: 'every function warns when an invocation runs longer than 10 s',
  perFunction: true,
  rule: {
    threshold: 10_000,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    metrics: ['Duration'],
  },
});
