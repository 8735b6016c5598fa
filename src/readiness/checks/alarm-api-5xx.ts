import { alarmRuleCheck } from './alarm-rules.ts';

export const alarmApi5xx = alarmRuleCheck({
  catalogId: 'api-5xx',
  requirement: 'R3.2',
  description: 'the API alarms on more than 10 5XX responses in 5 minutes',
  rule: {
    threshold: 10,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    metrics: ['5XXError'],
  },
});
