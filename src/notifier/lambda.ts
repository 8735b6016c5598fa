import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLogger } from '../app/logger.ts';
import { loadConfig } from '../config.ts';
import { createNotifier } from './handler.ts';

/** Lambda entry point subscribed to the general and critical alert topics. */
const config = loadConfig();
const secrets = new SecretsManagerClient({});
let cached: Promise<string | undefined> | undefined;

/** The webhook secret holds a `https://hooks.slack.com/…` URL, or anything else for "not configured". */
function webhookUrl() {
  const secretId = process.env.SLACK_WEBHOOK_SECRET_ID;
  if (!secretId) return Promise.resolve(undefined);
  cached ??= secrets.send(new GetSecretValueCommand({ SecretId: secretId })).then(
    ({ SecretString }) => (SecretString?.startsWith('https://hooks.slack.com/') ? SecretString : undefined),
    (error: unknown) => {
      cached = undefined;
      throw error;
    },
  );
  return cached;
}

export const handler = createNotifier({
  webhookUrl,
  post: (url, body) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    }),
  logger: createLogger(config),
});
