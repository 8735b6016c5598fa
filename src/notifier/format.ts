/**
 * Turns what SNS delivers (CloudWatch metric, metric-math and composite alarm state changes, Budgets
 * notifications, anything else) into one alert: what broke, where, how bad, and what to do. Pure:
 * the Slack Block Kit message and the plain-text rendering come from the same alert, and both stay
 * within Slack's and email's size limits whatever the alarm (the composite's long rule included).
 */
import { parseAlarmName } from '../observability/alarm-catalog.ts';

/** What an alert carries besides the alarm's state: the errors themselves, and where to look next. */
export interface Evidence {
  logGroup: string;
  /** The alarm window searched (ISO times). */
  from: string;
  to: string;
  /** The most recent error lines of the window, oldest first, redacted and shortened. */
  lines: string[];
  /** The saved Logs Insights query to run next, as a console link over the same window. */
  query?: { name: string; url: string };
}

export interface Alert {
  kind: 'metric' | 'math' | 'composite' | 'budget' | 'unknown';
  title: string;
  severity: 'warning' | 'critical' | 'info';
  state?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  reason: string;
  resource?: string;
  dimensions: { name: string; value: string }[];
  region?: string;
  time?: string;
  consoleUrl?: string;
  runbookUrl?: string;
  /** What the alarm means, from its description (without the severity prefix and the runbook link). */
  summary?: string;
  /** A composite alarm's rule, and the children that put it in ALARM. */
  rule?: string;
  children?: string[];
  /** The first checks of the alarm's runbook section (from the catalog). */
  runbookChecks?: string[];
  /** Recent error lines and the query to run next (added by the notifier, R3.5). */
  evidence?: Evidence;
}

interface CloudWatchAlarmMessage {
  AlarmName: string;
  AlarmDescription?: string | null;
  AlarmArn?: string;
  NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  NewStateReason?: string;
  StateChangeTime?: string;
  Region?: string;
  AlarmRule?: string;
  TriggeringChildren?: { Arn: string; State?: { Value?: string } }[];
  Trigger?: {
    MetricName?: string;
    Namespace?: string;
    Dimensions?: { name: string; value: string }[];
    Metrics?: {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions?: { name: string; value: string }[] } };
    }[];
  };
}

const REGION_FROM_ARN = /^arn:aws[\w-]*:[\w-]+:([a-z]{2}(?:-[a-z]+)+-\d):/;

function severityOf(description: string | null | undefined): Alert['severity'] {
  if (description?.startsWith('[critical]')) return 'critical';
  if (description?.startsWith('[warning]')) return 'warning';
  return 'warning';
}

function consoleUrl(region: string | undefined, alarmName: string) {
  if (!region) return undefined;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

export function parseAlert(subject: string | undefined, message: string): Alert {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && 'AlarmName' in parsed && 'NewStateValue' in parsed) {
    const alarm = parsed as CloudWatchAlarmMessage;
    const region = REGION_FROM_ARN.exec(alarm.AlarmArn ?? '')?.[1];
    const description = alarm.AlarmDescription ?? '';
    const runbookUrl = /Runbook: (\S+)/.exec(description)?.[1];
    const kind: Alert['kind'] = alarm.AlarmRule
      ? 'composite'
      : alarm.Trigger?.Metrics?.length
        ? 'math'
        : 'metric';
    const dimensions =
      alarm.Trigger?.Dimensions ??
      (alarm.Trigger?.Metrics ?? [])
        .flatMap((m) => m.MetricStat?.Metric.Dimensions ?? [])
        .filter((d, i, all) => all.findIndex((o) => o.name === d.name && o.value === d.value) === i);
    const metrics =
      kind === 'math'
        ? (alarm.Trigger?.Metrics ?? [])
            .map((m) => m.Expression ?? m.MetricStat?.Metric.MetricName)
            .filter(Boolean)
            .join(', ')
        : alarm.Trigger?.MetricName;
    const children = (alarm.TriggeringChildren ?? []).map((c) => c.Arn.split(':alarm:').pop()!);
    const resource =
      kind === 'composite'
        ? children.length > 0
          ? `triggered by ${children.join(', ')}`
          : 'composite alarm'
        : [alarm.Trigger?.Namespace, metrics].filter(Boolean).join(' ') || undefined;
    const catalog = parseAlarmName(kind === 'composite' ? (children[0] ?? '') : alarm.AlarmName);
    return {
      kind,
      title: alarm.AlarmName,
      severity: alarm.NewStateValue === 'OK' ? 'info' : severityOf(description),
      state: alarm.NewStateValue,
      reason: alarm.NewStateReason ?? description,
      resource,
      dimensions,
      region,
      time: alarm.StateChangeTime,
      consoleUrl: consoleUrl(region, alarm.AlarmName),
      runbookUrl,
      summary:
        description
          .replace(/^\[(warning|critical)\]\s*/, '')
          .replace(/\s*Runbook: \S+\s*$/, '')
          .trim() || undefined,
      rule: alarm.AlarmRule,
      children: kind === 'composite' ? children : undefined,
      runbookChecks: catalog?.spec.runbook.checks.slice(0, 2),
    };
  }
  if (/AWS Budget/i.test(`${subject ?? ''} ${message}`)) {
    const budget = /Budget Name:\s*(.+)/i.exec(message)?.[1]?.trim();
    const threshold = /Alert Threshold:\s*(.+)/i.exec(message)?.[1]?.trim();
    const actual =
      /ACTUAL Amount:\s*(.+)/i.exec(message)?.[1]?.trim() ??
      /FORECASTED Amount:\s*(.+)/i.exec(message)?.[1]?.trim();
    const money = (label: string) =>
      Number(new RegExp(`${label}:\\s*>?\\s*\\$?([\\d,.]+)`, 'i').exec(message)?.[1]?.replace(/,/g, ''));
    const budgeted = money('Budgeted Amount');
    // At or past the whole budget is critical (R5.3); earlier thresholds are warnings (R5.2).
    const over100 = Number.isFinite(budgeted) && money('Alert Threshold') >= budgeted;
    return {
      kind: 'budget',
      title: subject ?? `AWS Budget ${budget ?? ''}`.trim(),
      severity: over100 ? 'critical' : 'warning',
      reason:
        [threshold && `threshold ${threshold}`, actual && `amount ${actual}`].filter(Boolean).join(', ') ||
        message.slice(0, 500),
      resource: budget ? `budget ${budget}` : undefined,
      dimensions: [],
    };
  }
  return {
    kind: 'unknown',
    title: subject ?? 'Unrecognised notification',
    severity: 'warning',
    reason: message.slice(0, 1500),
    dimensions: [],
  };
}

const EMOJI: Record<Alert['severity'], string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':white_check_mark:',
};

/** Slack Block Kit limits (SPEC §6): a longer message is rejected with 400. */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  blocks: 50,
  contextText: 3000,
} as const;

/** Shortens `text` to `max` characters, saying so. */
export function clamp(text: string, max: number) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
/** Slack mrkdwn escapes `&`, `<` and `>` (everything else is literal). */
const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const section = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clamp(text, SLACK_LIMITS.sectionText) },
});

/** Slack Block Kit message (R3.5: what, where, how bad, the errors themselves, and what to do). */
export function toSlack(alert: Alert) {
  const facts = [
    `*Severity:* ${alert.severity}`,
    alert.state && `*State:* ${alert.state}`,
    alert.resource && `*Resource:* ${escapeMrkdwn(alert.resource)}`,
    alert.dimensions.length > 0 &&
      `*Dimensions:* ${escapeMrkdwn(alert.dimensions.map((d) => `${d.name}=${d.value}`).join(', '))}`,
    alert.region && `*Region:* ${alert.region}`,
    alert.time && `*Time:* ${alert.time}`,
  ].filter(Boolean) as string[];
  const links = [
    alert.consoleUrl && `<${alert.consoleUrl}|Open in CloudWatch>`,
    alert.evidence?.query && `<${alert.evidence.query.url}|Run ${alert.evidence.query.name}>`,
    alert.runbookUrl && `<${alert.runbookUrl}|Runbook>`,
  ].filter(Boolean) as string[];
  const evidence = alert.evidence;
  const blocks = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clamp(
          `${alert.state === 'OK' ? 'Resolved' : alert.severity === 'critical' ? 'Critical' : 'Warning'}: ${alert.title}`,
          SLACK_LIMITS.headerText,
        ),
      },
    },
    section(
      `${EMOJI[alert.severity]} ${escapeMrkdwn([alert.summary, alert.reason].filter(Boolean).join('\n'))}`,
    ),
    {
      type: 'section',
      fields: facts
        .slice(0, SLACK_LIMITS.fields)
        .map((text) => ({ type: 'mrkdwn', text: clamp(text, SLACK_LIMITS.fieldText) })),
    },
    ...(alert.children && alert.children.length > 0
      ? [section(`*Triggered by:*\n${alert.children.map((c) => `• ${escapeMrkdwn(c)}`).join('\n')}`)]
      : []),
    ...(evidence
      ? [
          section(
            evidence.lines.length > 0
              ? `*Recent errors* in \`${escapeMrkdwn(evidence.logGroup)}\` (${evidence.from} – ${evidence.to}):\n\`\`\`${escapeMrkdwn(evidence.lines.join('\n'))}\`\`\``
              : `*No error lines* in \`${escapeMrkdwn(evidence.logGroup)}\` between ${evidence.from} and ${evidence.to}.`,
          ),
        ]
      : []),
    ...(alert.runbookChecks && alert.runbookChecks.length > 0
      ? [section(`*First checks:*\n${alert.runbookChecks.map((c) => `• ${escapeMrkdwn(c)}`).join('\n')}`)]
      : []),
    ...(links.length
      ? [
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: clamp(links.join(' · '), SLACK_LIMITS.contextText) }],
          },
        ]
      : []),
  ];
  return {
    text: `${alert.severity.toUpperCase()} ${alert.state ?? ''} ${alert.title}`.replace(/\s+/g, ' ').trim(),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

/** The same alert as plain text (what `agenticai alarms render` shows for email). */
export function toText(alert: Alert): string {
  const evidence = alert.evidence;
  return [
    `${alert.state === 'OK' ? 'RESOLVED' : alert.severity.toUpperCase()}: ${alert.title}`,
    '',
    ...(alert.summary ? [alert.summary] : []),
    alert.reason,
    '',
    alert.state && `State:      ${alert.state}`,
    alert.resource && `Resource:   ${alert.resource}`,
    alert.dimensions.length > 0 &&
      `Dimensions: ${alert.dimensions.map((d) => `${d.name}=${d.value}`).join(', ')}`,
    alert.region && `Region:     ${alert.region}`,
    alert.time && `Time:       ${alert.time}`,
    alert.consoleUrl && `Console:    ${alert.consoleUrl}`,
    alert.runbookUrl && `Runbook:    ${alert.runbookUrl}`,
    ...(alert.children?.length ? ['', 'Triggered by:', ...alert.children.map((c) => `  - ${c}`)] : []),
    ...(evidence
      ? [
          '',
          `Recent errors in ${evidence.logGroup} (${evidence.from} – ${evidence.to}):`,
          ...(evidence.lines.length > 0 ? evidence.lines.map((l) => `  ${l}`) : ['  (none)']),
          ...(evidence.query ? [`Query:      ${evidence.query.name} ${evidence.query.url}`] : []),
        ]
      : []),
    ...(alert.runbookChecks?.length
      ? ['', 'First checks:', ...alert.runbookChecks.map((c) => `  - ${c}`)]
      : []),
  ]
    .filter((line) => line !== undefined && line !== false)
    .join('\n');
}
