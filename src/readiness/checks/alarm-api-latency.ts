import { alarmRuleCheck } from './alarm-rules.ts';

export const alarmApiLatency = alarmRuleCheck({
  catalogId: 'api-latency',
  requirement: 'R4.2',
  description: 'the API alarms when latency stays above 3 s for 5 consecutive minutes',
  rule: {
    threshold: 3_000,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    metrics: ['Latency'],
  },
});
