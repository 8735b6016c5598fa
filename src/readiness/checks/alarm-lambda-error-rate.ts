import { alarmRuleCheck } from './alarm-rules.ts';

export const alarmLambdaErrorRate = alarmRuleCheck({
  catalogId: 'lambda-error-rate',
  requirement: 'R3.1',
  description: 'every function alarms when Errors/Invocations exceeds 5 % over 5 minutes',
  perFunction: true,
  rule: {
    threshold: 5,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    metrics: ['Errors', 'Invocations'],
    expression: '100 * errors / MAX([invocations, 1])',
  },
});
