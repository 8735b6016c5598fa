import type { SNSEvent } from 'aws-lambda';
import type { Logger } from '../app/logger.ts';
import type { Evidence } from './evidence.ts';
import { parseAlert, toSlack } from './format.ts';

export interface NotifierDeps {
  /** The Slack incoming-webhook URL, or undefined when Slack is not configured (email stays the baseline). */
  webhookUrl(): Promise<string | undefined>;
  post(url: string, body: unknown): Promise<{ ok: boolean; status: number }>;
  logger: Logger;
  /** The error lines behind an alarm and the query to run next (R3.5); none when it cannot tell. */
  evidence?(alert: ReturnType<typeof parseAlert>): Promise<Evidence | undefined>;
}

/**
 * SNS → Slack. Every notification is logged on receipt (`alert_received`) and, once Slack accepted
 * it, again (`slack_posted`): the proof per channel for `agenticai alarms test`. Alarms get their
 * evidence first (recent error lines, the saved query); a failed lookup is logged and the alert goes
 * out without it. A failed post throws so Lambda retries the asynchronous invocation and then moves
 * it to the notifier's DLQ: nothing fails silently.
 */
export function createNotifier(deps: NotifierDeps) {
  return async (event: SNSEvent) => {
    for (const record of event.Records) {
      const alert = parseAlert(record.Sns.Subject ?? undefined, record.Sns.Message);
      deps.logger.info('alert received', {
        event: 'alert_received',
        alarm: alert.title,
        kind: alert.kind,
        state: alert.state ?? null,
        severity: alert.severity,
        topic: record.Sns.TopicArn,
        // A composite's first triggering child: `agenticai alarms test` matches children by it.
        triggeredBy: alert.children?.[0] ?? null,
      });
      if (alert.kind === 'unknown') {
        deps.logger.warn('unrecognised notification; posting it as is', {
          event: 'alert_unrecognised',
          subject: record.Sns.Subject ?? null,
          message: record.Sns.Message.slice(0, 2000),
        });
      }
      const url = await deps.webhookUrl();
      if (url && deps.evidence) {
        try {
          alert.evidence = await deps.evidence(alert);
        } catch (error) {
          deps.logger.warn('alert evidence unavailable; posting without it', {
            event: 'alert_evidence_failed',
            alarm: alert.title,
            error,
          });
        }
      }
      if (!url) {
        deps.logger.info('Slack not configured; email subscribers have the alert', {
          event: 'slack_not_configured',
          alarm: alert.title,
          triggeredBy: alert.children?.[0] ?? null,
        });
        continue;
      }
      let status: number;
      try {
        const res = await deps.post(url, toSlack(alert));
        if (res.ok) {
          deps.logger.info('alert posted to Slack', {
            event: 'slack_posted',
            alarm: alert.title,
            triggeredBy: alert.children?.[0] ?? null,
          });
          continue;
        }
        status = res.status;
      } catch (error) {
        deps.logger.error('Slack unreachable', {
          event: 'slack_delivery_failed',
          alarm: alert.title,
          triggeredBy: alert.children?.[0] ?? null,
          error,
        });
        throw error;
      }
      deps.logger.error('Slack refused the alert', {
        event: 'slack_delivery_failed',
        alarm: alert.title,
        triggeredBy: alert.children?.[0] ?? null,
        status,
      });
      throw new Error(`Slack answered ${status} for ${alert.title}`);
    }
  };
}
