import { type EnvironmentConfig, parseEnvironment } from './config.ts';

/**
 * The three environments. Account ids and emails come from the environment so none are committed;
 * the placeholders let `npm run synth` run offline (deploy refuses them: see docs/DEPLOYMENT.md).
 */
export const PLACEHOLDER_ACCOUNT = '000000000000';

function fromEnv(name: string, fallback: string) {
  return process.env[name] && process.env[name] !== '' ? process.env[name]! : fallback;
}

export function loadEnvironments(): EnvironmentConfig[] {
  const region = fromEnv('AGENTICAI_REGION', 'us-east-1');
  const emails = fromEnv('AGENTICAI_ADMIN_EMAILS', 'ops@example.com')
    .split(',')
    .map((e) => e.trim());
  return [
    parseEnvironment({
      name: 'dev',
      account: fromEnv('AGENTICAI_ACCOUNT_DEV', PLACEHOLDER_ACCOUNT),
      region,
      adminEmails: emails,
      monthlyBudgetUsd: 50,
      workers: { memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 2 },
      pitrRecoveryPeriodDays: 7,
    }),
    parseEnvironment({
      name: 'staging',
      account: fromEnv('AGENTICAI_ACCOUNT_STAGING', PLACEHOLDER_ACCOUNT),
      region,
      adminEmails: emails,
      api: {
        throttleRateLimit: 200,
        throttleBurstLimit: 400,
        reservedConcurrency: 20,
        memoryMb: 512,
        timeoutSeconds: 29,
      },
    }),
    parseEnvironment({
      name: 'production',
      account: fromEnv('AGENTICAI_ACCOUNT_PRODUCTION', PLACEHOLDER_ACCOUNT),
      region,
      adminEmails: emails,
      api: {
        throttleRateLimit: 1000,
        throttleBurstLimit: 2000,
        reservedConcurrency: 100,
        memoryMb: 1024,
        timeoutSeconds: 29,
      },
      workers: { memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 10 },
    }),
  ];
}
