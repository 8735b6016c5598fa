import { resourceNames } from '../naming.ts';
/**
 * CloudWatch Logs Insights queries saved with every environment (R9.4/R9.5), documented in
 * docs/RUNBOOK.md "Queries". `logs` says which log groups each runs against.
 */
export interface SavedQuery {
  name: string;
  logs: 'api' | 'all';
  answers: string;
  query: string;
}

export const SAVED_QUERIES: readonly SavedQuery[] = [
  {
    name: 'errors-by-route',
    logs: 'api',
    answers: 'Which routes fail, and with which status?',
    query:
      'fields @timestamp, route, status, requestId\n| filter event = "request" and status >= 500 or level = "ERROR"\n| stats count() as errors by route, status\n| sort errors desc',
  },
  {
    name: 'auth-failures-by-result-and-key',
    logs: 'api',
    answers: 'Who is presenting bad keys, and how (missing, malformed, unknown, revoked, expired)?',
    query:
      'filter event = "request" and ispresent(auth) and auth != "valid"\n| stats count() as attempts by auth, keyId, sourceIp\n| sort attempts desc',
  },
  {
    name: 'rate-limit-violations-by-client',
    logs: 'api',
    answers: 'Which clients hit their hourly limit, with which keys?',
    query:
      'filter event = "rate_limit_exceeded"\n| stats count() as refused by clientId, keyId, limit\n| sort refused desc',
  },
  {
    name: 'slowest-routes-p99',
    logs: 'api',
    answers: 'Which routes are slow (p99 latency inside the function)?',
    query:
      'filter event = "request"\n| stats pct(latencyMs, 99) as p99, pct(latencyMs, 50) as p50, count() as requests by route\n| sort p99 desc',
  },
  {
    name: 'cold-starts-and-init-duration',
    logs: 'all',
    answers: 'How often do functions start cold, and how long does initialisation take?',
    query:
      'filter type = "platform.report" and ispresent(record.metrics.initDurationMs)\n| stats count() as coldStarts, avg(record.metrics.initDurationMs) as avgInitMs, max(record.metrics.initDurationMs) as maxInitMs by @log, bin(1h)',
  },
  {
    name: 'one-correlation-id',
    logs: 'all',
    answers: 'Everything that happened for one request, across the API and the agents (replace the id).',
    query:
      'fields @timestamp, @log, level, message, event, projectId, stage, status\n| filter correlationId = "REPLACE-WITH-CORRELATION-ID" or requestId = "REPLACE-WITH-CORRELATION-ID"\n| sort @timestamp asc',
  },
  {
    name: 'memory-headroom',
    logs: 'all',
    answers: 'How close do functions get to their memory size?',
    query:
      'filter type = "platform.report"\n| stats max(record.metrics.maxMemoryUsedMB) as maxUsedMB, max(record.metrics.memorySizeMB) as sizeMB by @log, bin(1h)\n| fields sizeMB - maxUsedMB as headroomMB',
  },
  {
    name: 'failed-projects',
    logs: 'all',
    answers: 'Which projects failed, at which stage, and why?',
    query:
      'filter event = "project_failed"\n| fields @timestamp, projectId, stage, reason, correlationId\n| sort @timestamp desc',
  },
];

/** The saved query's name in CloudWatch Logs Insights. */
export const savedQueryName = (env: string, name: string) => resourceNames(env).savedQuery(name);

/**
 * A console link that opens Logs Insights with `query` over `logGroups`, for the last `seconds` or
 * an absolute window (the console's own URL encoding: values URI-encoded with `%` as `*`, the
 * fragment with `%` as `$`).
 */
export function logsInsightsUrl(
  region: string,
  query: string,
  logGroups: readonly string[],
  window: { seconds: number } | { from: string; to: string } = { seconds: 3600 },
) {
  const value = (s: string) =>
    encodeURIComponent(s)
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%/g, '*');
  const time =
    'seconds' in window
      ? `end~0~start~-${window.seconds}~timeType~'RELATIVE~unit~'seconds`
      : `end~'${value(window.to)}~start~'${value(window.from)}~timeType~'ABSOLUTE~tz~'UTC`;
  const sources = logGroups.map((g) => `~'${value(g)}`).join('');
  const detail = `~(${time}~editorString~'${value(query)}~source~(${sources}))`;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:logs-insights${encodeURIComponent(`?queryDetail=${detail}`).replace(/%/g, '$')}`;
}
