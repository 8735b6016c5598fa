import { alarmPresenceCheck } from './alarm-presence.ts';

export const alarmThrottles = alarmPresenceCheck(
  'alarm-throttles',
  'C6',
  ['lambda-throttles', 'lambda-concurrency', 'api-throttles'],
  'alarms on Lambda throttles, Lambda concurrency and API throttling exist',
);
