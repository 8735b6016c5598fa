import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createDocumentClient } from '../adapters/aws/dynamo.ts';
import { powertoolsMetrics } from '../adapters/aws/metrics.ts';
import { S3ArtifactStore } from '../adapters/aws/s3-artifact-store.ts';
import { SecretsManagerPepperSource } from '../adapters/aws/secrets-pepper.ts';
import { createLogger } from '../app/logger.ts';
import { systemClock } from '../app/ports.ts';
import { ConfigError, loadConfig } from '../config.ts';
import type { EntryAdapter } from '../http/context.ts';
import { wireHttpApp } from './http.ts';

/** Resources CDK passes to the function as environment variables. */
const AwsEnv = z.object({
  DATA_TABLE_NAME: z.string().min(3),
  COUNTERS_TABLE_NAME: z.string().min(3),
  ARTIFACT_BUCKET_NAME: z.string().min(3),
  PEPPER_SECRET_ID: z.string().min(1),
});

type LambdaBindings = {
  event?: { requestContext?: { requestId?: string; identity?: { sourceIp?: string } } };
};

export const lambdaEntry: EntryAdapter = {
  platformRequestId: (c) => (c.env as LambdaBindings | undefined)?.event?.requestContext?.requestId,
  sourceIp: (c) => (c.env as LambdaBindings | undefined)?.event?.requestContext?.identity?.sourceIp,
};

/** Wires AWS mode from the environment: DynamoDB, S3, Secrets Manager, the same HTTP pipeline. */
export function createAwsHttpApp(env: Record<string, string | undefined> = process.env) {
  const parsed = AwsEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const config = loadConfig(env);
  // Endpoints and region come from the SDK's standard settings (AWS_REGION, AWS_ENDPOINT_URL_*).
  return wireHttpApp({
    config,
    db: createDocumentClient(),
    artifacts: new S3ArtifactStore(new S3Client({}), parsed.data.ARTIFACT_BUCKET_NAME),
    pepperSource: new SecretsManagerPepperSource(new SecretsManagerClient({}), parsed.data.PEPPER_SECRET_ID),
    logger: createLogger(config),
    metrics: powertoolsMetrics(config.serviceName, config.env),
    clock: systemClock,
    entry: lambdaEntry,
  }).app;
}
