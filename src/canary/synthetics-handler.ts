import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeCanary, runCanary, type StepRunner } from './health-check.ts';

/**
 * The CloudWatch Synthetics entry point (bundled to CommonJS by infra/constructs/health-canary.ts):
 * the same `runCanary` as `agenticai canary run`, with the runtime's `executeStep` as the step
 * runner (its step metrics and logs) and the key read from Secrets Manager on every run, so a
 * rotation (`keys rotate --store-secret`) takes effect on the next run. The secret lives in the
 * environment's main region (`CANARY_KEY_SECRET_REGION`), also for a canary in another region (R11.5).
 */
interface SyntheticsModule {
  executeStep: StepRunner;
}

let secrets: SecretsManagerClient | undefined;

export async function handler(): Promise<void> {
  // Provided by the Synthetics Node.js runtime, not bundled.
  const synthetics = require('Synthetics') as SyntheticsModule;
  const env = process.env;
  secrets ??= new SecretsManagerClient({ region: env.CANARY_KEY_SECRET_REGION || undefined });
  const { SecretString } = await secrets.send(
    new GetSecretValueCommand({ SecretId: env.CANARY_KEY_SECRET_ID! }),
  );
  if (!SecretString?.startsWith('agk_'))
    throw new Error(`the canary secret ${env.CANARY_KEY_SECRET_ID} holds no API key yet`);
  const result = await runCanary(
    { endpoint: env.CANARY_ENDPOINT!, apiKey: SecretString, stepBudgetMs: Number(env.CANARY_STEP_BUDGET_MS) },
    { fetch, now: () => performance.now(), runStep: synthetics.executeStep.bind(synthetics) as StepRunner },
  );
  console.log(JSON.stringify({ event: 'canary_result', ...result }));
  // A thrown error is what marks the run failed (SuccessPercent 0) for the alarm.
  if (!result.ok) throw new Error(describeCanary(result));
}
