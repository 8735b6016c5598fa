import { alarmPresenceCheck } from './alarm-presence.ts';

export const alarmPipeline = alarmPresenceCheck(
  'alarm-pipeline',
  'C9',
  ['pipeline-failures', 'stuck-projects'],
  'alarms on failed projects and projects stuck in a stage exist',
);
