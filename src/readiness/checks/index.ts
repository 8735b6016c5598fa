import type { TemplateCheck } from '../check.ts';
import { accessLogs } from './access-logs.ts';
import { alarmApi5xx } from './alarm-api-5xx.ts';
import { alarmApiLatency } from './alarm-api-latency.ts';
import { alarmConsecutiveFailures } from './alarm-consecutive-failures.ts';
import { alarmDescriptions } from './alarm-descriptions.ts';
import { alarmDlq } from './alarm-dlq.ts';
import { alarmDynamoDb } from './alarm-dynamodb.ts';
import { alarmLambdaDuration } from './alarm-lambda-duration.ts';
import { alarmLambdaErrorRate } from './alarm-lambda-error-rate.ts';
import { alarmPipeline } from './alarm-pipeline.ts';
import { alarmThrottles } from './alarm-throttles.ts';
import { alertTopics } from './alert-topics.ts';
import { artifactVersioning } from './artifact-versioning.ts';
import { budget } from './budget.ts';
import { budgetActual80, budgetActual100 } from './budget-notifications.ts';
import { canaryAlarm, canaryRegions, canarySchedule } from './canary.ts';
import { costAnomaly } from './cost-anomaly.ts';
import {
  dashboardApi,
  dashboardColdStarts,
  dashboardErrors,
  dashboardExists,
  dashboardInvocations,
  dashboardLatencyPercentiles,
  dashboardPerformancePeriod,
  dashboardQueues,
  dashboardTables,
} from './dashboard.ts';
import { deadLetterQueues } from './dead-letter-queues.ts';
import { emailAlerts } from './email-alerts.ts';
import { encryptionAtRest } from './encryption-at-rest.ts';
import { gradualDeployments } from './gradual-deployments.ts';
import { httpsOnly } from './https-only.ts';
import { jsonFunctionLogs } from './json-function-logs.ts';
import { leastPrivilege } from './least-privilege.ts';
import { logRetention } from './log-retention.ts';
import { managedSecrets } from './managed-secrets.ts';
import { noncurrentExpiration } from './noncurrent-expiration.ts';
import { pitrEnabled } from './pitr-enabled.ts';
import { pitrPeriod } from './pitr-period.ts';
import { resourceTags } from './resource-tags.ts';
import { savedQueries } from './saved-queries.ts';
import { slackNotifier } from './slack-notifier.ts';
import { systemHealth } from './system-health.ts';
import { tlsPolicy } from './tls-policy.ts';
import { wafAssociation } from './waf-association.ts';
import { wafRules } from './waf-rules.ts';
import { xrayTracing } from './xray-tracing.ts';

/** Every template check, in requirement order. */
export const TEMPLATE_CHECKS: readonly TemplateCheck[] = [
  dashboardExists,
  dashboardInvocations,
  dashboardErrors,
  dashboardApi,
  dashboardTables,
  dashboardQueues,
  alarmLambdaErrorRate,
  alarmApi5xx,
  alarmConsecutiveFailures,
  emailAlerts,
  alarmDescriptions,
  alarmLambdaDuration,
  alarmApiLatency,
  dashboardColdStarts,
  dashboardLatencyPercentiles,
  dashboardPerformancePeriod,
  budget,
  budgetActual80,
  budgetActual100,
  pitrEnabled,
  artifactVersioning,
  pitrPeriod,
  noncurrentExpiration,
  wafAssociation,
  wafRules,
  httpsOnly,
  encryptionAtRest,
  tlsPolicy,
  leastPrivilege,
  accessLogs,
  jsonFunctionLogs,
  logRetention,
  savedQueries,
  canarySchedule,
  canaryAlarm,
  gradualDeployments,
  canaryRegions,
  xrayTracing,
  managedSecrets,
  alertTopics,
  slackNotifier,
  systemHealth,
  alarmThrottles,
  alarmDynamoDb,
  alarmDlq,
  alarmPipeline,
  deadLetterQueues,
  costAnomaly,
  resourceTags,
];
