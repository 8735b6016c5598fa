import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { powertoolsMetrics } from '../adapters/aws/metrics.ts';
import { S3ArtifactStore } from '../adapters/aws/s3-artifact-store.ts';
import { SecretsManagerPepperSource } from '../adapters/aws/secrets-pepper.ts';
import { SqsStageQueue } from '../adapters/aws/sqs-queue.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { createLogger } from '../app/logger.ts';
import { systemClock } from '../app/ports.ts';
import { ConfigError, loadConfig } from '../config.ts';
import * as z from '../domain/validation.ts';
import type { EntryAdapter } from '../http/context.ts';
import { wireHttpApp } from './http.ts';
import { wireLifecycle } from './lifecycle.ts';

/** Resources CDK passes to the function as environment variables. */
const AwsEnv = z.object({
  DATA_TABLE_NAME: z.string().check(z.minLength(3)),
  COUNTERS_TABLE_NAME: z.string().check(z.minLength(3)),
  ARTIFACT_BUCKET_NAME: z.string().check(z.minLength(3)),
  PEPPER_SECRET_ID: z.string().check(z.minLength(1)),
  QUEUE_URL_PM: z.url(),
  QUEUE_URL_DEV: z.url(),
  QUEUE_URL_QA: z.url(),
  QUEUE_URL_OPS: z.url(),
});

function parseAwsEnv(env: Record<string, string | undefined>) {
  const parsed = AwsEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** What both Lambda functions share: config, clients and adapters built from the environment. */
export function awsAdapters(env: Record<string, string | undefined> = process.env) {
  const vars = parseAwsEnv(env);
  const config = loadConfig(env);
  // Endpoints and region come from the SDK's standard settings (AWS_REGION, AWS_ENDPOINT_URL_*).
  const db = createDocumentClient();
  const queue = new SqsStageQueue(new SQSClient({}), {
    pm: vars.QUEUE_URL_PM,
    dev: vars.QUEUE_URL_DEV,
    qa: vars.QUEUE_URL_QA,
    ops: vars.QUEUE_URL_OPS,
  });
  const artifacts = new S3ArtifactStore(new S3Client({}), vars.ARTIFACT_BUCKET_NAME);
  const logger = createLogger(config);
  const metrics = powertoolsMetrics(config.serviceName, config.env);
  return { vars, config, db, queue, artifacts, logger, metrics, clock: systemClock };
}

type LambdaBindings = {
  event?: { requestContext?: { requestId?: string; identity?: { sourceIp?: string } } };
};

export const lambdaEntry: EntryAdapter = {
  platformRequestId: (c) => (c.env as LambdaBindings | undefined)?.event?.requestContext?.requestId,
  sourceIp: (c) => (c.env as LambdaBindings | undefined)?.event?.requestContext?.identity?.sourceIp,
};

/** The API function: DynamoDB, S3, Secrets Manager, SQS behind the same HTTP pipeline as local mode. */
export function createAwsHttpApp(env: Record<string, string | undefined> = process.env) {
  const a = awsAdapters(env);
  const { app } = wireHttpApp({
    config: a.config,
    db: a.db,
    artifacts: a.artifacts,
    pepperSource: new SecretsManagerPepperSource(new SecretsManagerClient({}), a.vars.PEPPER_SECRET_ID),
    lifecycle: wireLifecycle(a),
    logger: a.logger,
    metrics: a.metrics,
    clock: a.clock,
    entry: lambdaEntry,
  });
  return { app, coldStart: () => a.metrics.coldStart() };
}
