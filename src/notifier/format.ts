/**
 * Turns what SNS delivers (CloudWatch metric, metric-math and composite alarm state changes, Budgets
 * notifications, anything else) into one alert: what broke, where, how bad, and what to do. Pure:
 * the Slack Block Kit message and the plain-text rendering come from the same alert.
 */
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
    const resource =
      kind === 'composite'
        ? `composite of: ${alarm.AlarmRule}`
        : [alarm.Trigger?.Namespace, metrics].filter(Boolean).join(' ') || undefined;
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

/** Slack Block Kit message (R3.5: name, severity, state and reason, resource and dimensions, region, time, links). */
export function toSlack(alert: Alert) {
  const facts = [
    `*Severity:* ${alert.severity}`,
    alert.state && `*State:* ${alert.state}`,
    alert.resource && `*Resource:* ${alert.resource}`,
    alert.dimensions.length > 0 &&
      `*Dimensions:* ${alert.dimensions.map((d) => `${d.name}=${d.value}`).join(', ')}`,
    alert.region && `*Region:* ${alert.region}`,
    alert.time && `*Time:* ${alert.time}`,
  ].filter(Boolean) as string[];
  const links = [
    alert.consoleUrl && `<${alert.consoleUrl}|Open in CloudWatch>`,
    alert.runbookUrl && `<${alert.runbookUrl}|Runbook>`,
  ].filter(Boolean);
  return {
    text: `${alert.severity.toUpperCase()} ${alert.state ?? ''} ${alert.title}`.replace(/\s+/g, ' ').trim(),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: `${alert.state === 'OK' ? 'Resolved' : alert.severity === 'critical' ? 'Critical' : 'Warning'}: ${alert.title}`.slice(
            0,
            150,
          ),
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${EMOJI[alert.severity]} ${alert.reason}`.slice(0, 2900) },
      },
      { type: 'section', fields: facts.map((text) => ({ type: 'mrkdwn', text })) },
      ...(links.length ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] }] : []),
    ],
  };
}

/** The same alert as plain text (what `agenticai alarms render` shows for email). */
export function toText(alert: Alert): string {
  return [
    `${alert.state === 'OK' ? 'RESOLVED' : alert.severity.toUpperCase()}: ${alert.title}`,
    '',
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
  ]
    .filter((line) => line !== undefined && line !== false)
    .join('\n');
}
