import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createDocumentClient } from '../adapters/aws/dynamo.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import { S3ArtifactStore } from '../adapters/aws/s3-artifact-store.ts';
import { dynamoHealthCheck } from '../adapters/aws/store-health.ts';
import { createLogger } from '../app/logger.ts';
import { systemClock } from '../app/ports.ts';
import { ProjectService } from '../app/projects.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createHttpApp } from '../http/app.ts';
import type { EntryAdapter } from '../http/context.ts';
import { fixedTenant } from '../http/middleware/identify.ts';
import { VERSION } from '../version.ts';

/** Resources CDK passes to the function as environment variables. */
const AwsEnv = z.object({
  DATA_TABLE_NAME: z.string().min(3),
  ARTIFACT_BUCKET_NAME: z.string().min(3),
});

type LambdaBindings = {
  event?: { requestContext?: { requestId?: string; identity?: { sourceIp?: string } } };
};

export const lambdaEntry: EntryAdapter = {
  platformRequestId: (c) => (c.env as LambdaBindings | undefined)?.event?.requestContext?.requestId,
  sourceIp: (c) => (c.env as LambdaBindings | undefined)?.event?.requestContext?.identity?.sourceIp,
};

/** Wires AWS mode from the environment: DynamoDB, S3, the same HTTP pipeline as local mode. */
export function createAwsHttpApp(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env);
  const parsed = AwsEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  // Endpoints and region come from the SDK's standard settings (AWS_REGION, AWS_ENDPOINT_URL_*).
  const db = createDocumentClient();
  const projects = new ProjectService(
    new DynamoProjectRepository(db, parsed.data.DATA_TABLE_NAME),
    new S3ArtifactStore(new S3Client({}), parsed.data.ARTIFACT_BUCKET_NAME),
    systemClock,
  );
  return createHttpApp({
    projects,
    healthChecks: [dynamoHealthCheck(db, parsed.data.DATA_TABLE_NAME)],
    logger: createLogger(config),
    entry: lambdaEntry,
    version: VERSION,
    identify: fixedTenant(config.localClientId),
  });
}
