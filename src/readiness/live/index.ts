import { liveAlarms, liveSystemHealth } from './alarms.ts';
import { liveBudget, liveBudgetNotifications } from './budget.ts';
import type { LiveCheck } from './context.ts';
import { liveDeadLetters } from './dead-letters.ts';
import { liveLogRetention } from './log-retention.ts';
import { livePitr } from './pitr.ts';

/** Read-only checks of a deployed environment (`agenticai readiness --live`). */
export const LIVE_CHECKS: readonly LiveCheck[] = [
  liveAlarms('R3.1'),
  liveAlarms('R3.2'),
  liveAlarms('R3.3'),
  liveAlarms('R4.1'),
  liveAlarms('R4.2'),
  liveBudget,
  liveBudgetNotifications,
  livePitr,
  liveLogRetention,
  liveSystemHealth,
  liveDeadLetters,
];
