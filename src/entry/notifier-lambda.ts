import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLogger } from '../app/logger.ts';
import { loadConfig } from '../config.ts';
import { ALERT_LOG_GROUPS_ENV, findEvidence } from '../notifier/evidence.ts';
import { createNotifier } from '../notifier/handler.ts';
import { ttlCache } from '../notifier/ttl-cache.ts';

/** Lambda entry point subscribed to the general and critical alert topics. */
const config = loadConfig();
const secrets = new SecretsManagerClient({});
const logs = new CloudWatchLogsClient({});
/** How long a webhook value ("not configured" included) is trusted before Secrets Manager is asked again. */
const WEBHOOK_TTL_MS = 60_000;

/** The webhook secret holds a `https://hooks.slack.com/…` URL, or anything else for "not configured". */
const webhookUrl = ttlCache(
  async () => {
    const secretId = process.env.SLACK_WEBHOOK_SECRET_ID;
    if (!secretId) return undefined;
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    return SecretString?.startsWith('https://hooks.slack.com/') ? SecretString : undefined;
  },
  { ttlMs: WEBHOOK_TTL_MS },
);

/** Each function's log group, from the Monitoring construct (ALERT_LOG_GROUPS). */
const logGroups = (() => {
  try {
    return JSON.parse(process.env[ALERT_LOG_GROUPS_ENV] ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
})();

export const handler = createNotifier({
  webhookUrl,
  post: (url, body) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    }),
  evidence: (alert) =>
    findEvidence(alert, {
      logGroups,
      filterLogEvents: async (input) => {
        const page = await logs.send(new FilterLogEventsCommand(input), {
          abortSignal: AbortSignal.timeout(5_000),
        });
        return { events: page.events ?? [], nextToken: page.nextToken };
      },
    }),
  logger: createLogger(config),
});
