import { liveAlarms, liveSystemHealth } from './alarms.ts';
import { liveAlertSubscriptions } from './alert-subscriptions.ts';
import { liveBudget, liveBudgetNotifications } from './budget.ts';
import { liveCanaryRuns } from './canary-runs.ts';
import type { LiveCheck } from './context.ts';
import { liveDeadLetters } from './dead-letters.ts';
import { liveLogRetention } from './log-retention.ts';
import { livePitr } from './pitr.ts';
import { liveRestoreDrill } from './restore-drill.ts';
import { liveWafAssociation } from './waf-association.ts';

/** Read-only checks of a deployed environment (`agenticai readiness --live`). */
export const LIVE_CHECKS: readonly LiveCheck[] = [
  liveAlarms('R3.1'),
  liveAlarms('R3.2'),
  liveAlarms('R3.3'),
  liveAlarms('R4.1'),
  liveAlarms('R4.2'),
  liveAlertSubscriptions,
  liveBudget,
  liveBudgetNotifications,
  livePitr,
  liveRestoreDrill,
  liveWafAssociation,
  liveLogRetention,
  liveSystemHealth,
  liveDeadLetters,
  liveCanaryRuns,
];
