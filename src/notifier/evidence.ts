import { type AlarmSpec, evidenceSource, parseAlarmName } from '../observability/alarm-catalog.ts';
import type { FunctionLabel } from '../observability/metrics.ts';
import { logsInsightsUrl, SAVED_QUERIES, savedQueryName } from '../observability/saved-queries.ts';
import type { Alert, Evidence } from './format.ts';
import { redact } from './redact.ts';

// Evidence is part of the alert the formatter renders; defined there, named here too for callers.
export type { Evidence } from './format.ts';

/** The notifier's environment variable naming each function's log group (JSON, set by Monitoring). */
export const ALERT_LOG_GROUPS_ENV = 'ALERT_LOG_GROUPS';

/** Bounds: an alert is read on a phone, and the lookup must finish well inside the notifier's timeout. */
export const EVIDENCE_LIMITS = { eventsPerPage: 50, pages: 3, lines: 5, lineChars: 300 } as const;
/** Application error lines (Powertools `"level":"ERROR"`), Lambda timeouts and runtime failures. */
export const ERROR_FILTER_PATTERN = '?ERROR ?"Task timed out" ?"Runtime."';

export interface EvidenceDeps {
  /** One FilterLogEvents page. */
  filterLogEvents(input: {
    logGroupName: string;
    startTime: number;
    endTime: number;
    filterPattern: string;
    limit: number;
    nextToken?: string;
  }): Promise<{ events: { timestamp?: number; message?: string }[]; nextToken?: string }>;
  /** Each function's log group (ALERT_LOG_GROUPS, set by the Monitoring construct). */
  logGroups: Partial<Record<FunctionLabel, string>>;
}

function windowOf(spec: AlarmSpec, changedAt: number) {
  // The alarm evaluated `evaluationPeriods` periods ending at the state change; a minute more
  // covers the metric's publication delay.
  return { start: changedAt - (spec.evaluationPeriods * spec.periodSeconds + 60) * 1000, end: changedAt };
}

/**
 * The most recent error lines of the alarm window in the log group of the affected resource, or
 * undefined when the alarm is not one of ours or its resource keeps no logs (a queue, a table's
 * service errors). A composite alarm's evidence is its triggering child's.
 */
export async function findEvidence(alert: Alert, deps: EvidenceDeps): Promise<Evidence | undefined> {
  const alarmName = alert.kind === 'composite' ? alert.children?.[0] : alert.title;
  const parsed = alarmName ? parseAlarmName(alarmName) : undefined;
  if (!parsed || alert.state !== 'ALARM') return undefined;
  const source = evidenceSource(parsed.spec, parsed.resource);
  const logGroupName = source && deps.logGroups[source];
  if (!logGroupName) return undefined;
  const changedAt = Date.parse(alert.time ?? '');
  if (!Number.isFinite(changedAt)) return undefined;
  const { start, end } = windowOf(parsed.spec, changedAt);

  const events: { timestamp?: number; message?: string }[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < EVIDENCE_LIMITS.pages; page++) {
    const result = await deps.filterLogEvents({
      logGroupName,
      startTime: start,
      endTime: end,
      filterPattern: ERROR_FILTER_PATTERN,
      limit: EVIDENCE_LIMITS.eventsPerPage,
      nextToken,
    });
    events.push(...result.events);
    nextToken = result.nextToken;
    if (!nextToken) break;
  }
  const lines = events
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
    .slice(-EVIDENCE_LIMITS.lines)
    .map((e) => {
      const text = redact((e.message ?? '').trim().replace(/\s+/g, ' '));
      return text.length > EVIDENCE_LIMITS.lineChars
        ? `${text.slice(0, EVIDENCE_LIMITS.lineChars - 1)}…`
        : text;
    });

  const queryName = parsed.spec.runbook.queries[0];
  const saved = SAVED_QUERIES.find((q) => q.name === queryName);
  const groups =
    saved?.logs === 'api'
      ? [deps.logGroups.api].filter((g): g is string => Boolean(g))
      : Object.values(deps.logGroups).filter((g): g is string => Boolean(g));
  const query =
    saved && alert.region && groups.length > 0
      ? {
          name: savedQueryName(parsed.env, saved.name),
          url: logsInsightsUrl(alert.region, saved.query, groups, {
            from: new Date(start).toISOString(),
            to: new Date(end).toISOString(),
          }),
        }
      : undefined;
  return {
    logGroup: logGroupName,
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    lines,
    query,
  };
}
