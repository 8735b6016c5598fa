import type { SNSEvent } from 'aws-lambda';
import type { Logger } from '../app/logger.ts';
import { parseAlert, toSlack } from './format.ts';

export interface NotifierDeps {
  /** The Slack incoming-webhook URL, or undefined when Slack is not configured (email stays the baseline). */
  webhookUrl(): Promise<string | undefined>;
  post(url: string, body: unknown): Promise<{ ok: boolean; status: number }>;
  logger: Logger;
}

/**
 * SNS → Slack. Every notification is logged on receipt (`alert_received`: the alert path's proof
 * for `agenticai alarms test`), posted as Block Kit, and a failed post throws so Lambda retries the
 * asynchronous invocation and then moves it to the notifier's DLQ: nothing fails silently.
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
      });
      if (alert.kind === 'unknown') {
        deps.logger.warn('unrecognised notification; posting it as is', {
          event: 'alert_unrecognised',
          subject: record.Sns.Subject ?? null,
          message: record.Sns.Message.slice(0, 2000),
        });
      }
      const url = await deps.webhookUrl();
      if (!url) {
        deps.logger.info('Slack not configured; email subscribers have the alert', {
          event: 'slack_not_configured',
          alarm: alert.title,
        });
        continue;
      }
      let status: number;
      try {
        const res = await deps.post(url, toSlack(alert));
        if (res.ok) continue;
        status = res.status;
      } catch (error) {
        deps.logger.error('Slack unreachable', { event: 'slack_delivery_failed', alarm: alert.title, error });
        throw error;
      }
      deps.logger.error('Slack refused the alert', {
        event: 'slack_delivery_failed',
        alarm: alert.title,
        status,
      });
      throw new Error(`Slack answered ${status} for ${alert.title}`);
    }
  };
}
