import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonPost, manualClock, startTestRuntime, type TestRuntime } from '../support/local-app.ts';
import { serveBucketFromDir } from '../support/s3-over-dir.ts';
import { SqsSimulator } from '../support/sqs-sim.ts';

/**
 * The worker, sweeper and notifier Lambda modules as deployed: wired from the environment, invoked
 * with the events SQS, EventBridge and SNS send, against the embedded store (DynamoDB), a bucket
 * over a temp dir (S3) and simulated stage queues (SQS with redrive).
 */
const BUCKET = 'agenticai-dev-artifacts';
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const names = {
  pm: 'agenticai-dev-pm',
  dev: 'agenticai-dev-dev',
  qa: 'agenticai-dev-qa',
  ops: 'agenticai-dev-ops',
};
let rt: TestRuntime;
let sim: SqsSimulator;
let worker: (event: SQSEvent) => Promise<SQSBatchResponse>;
let sweeper: (event: ScheduledEvent) => Promise<{ requeued: number; stuck: number }>;
let notifier: (event: SNSEvent) => Promise<void>;

beforeAll(async () => {
  // Projects made two hours ago and never picked up: what the sweeper exists for.
  rt = await startTestRuntime({
    workers: false,
    clock: manualClock(new Date(Date.now() - 7_200_000).toISOString()),
  });
  sim = new SqsSimulator(
    sqs,
    Object.values(names).map((name) => ({ name, visibilityTimeoutSeconds: 900, maxReceiveCount: 3 })),
  );
  serveBucketFromDir(s3, BUCKET, join(rt.dataDir, 'artifacts'));
  secrets
    .on(GetSecretValueCommand, { SecretId: 'agenticai/dev/slack-webhook' })
    .resolves({ SecretString: SLACK });
  Object.assign(process.env, {
    AGENTICAI_MODE: 'aws',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: rt.store.endpoint,
    DATA_TABLE_NAME: 'agenticai-local-data',
    COUNTERS_TABLE_NAME: 'agenticai-local-counters',
    PEPPER_SECRET_ID: 'agenticai/dev/key-pepper',
    QUEUE_URL_PM: sim.url(names.pm),
    QUEUE_URL_DEV: sim.url(names.dev),
    QUEUE_URL_QA: sim.url(names.qa),
    QUEUE_URL_OPS: sim.url(names.ops),
    ARTIFACT_BUCKET_NAME: BUCKET,
    SLACK_WEBHOOK_SECRET_ID: 'agenticai/dev/slack-webhook',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  ({ handler: worker } = (await import('../../src/entry/worker-lambda.ts')) as never);
  ({ handler: sweeper } = (await import('../../src/entry/sweeper-lambda.ts')) as never);
  ({ handler: notifier } = (await import('../../src/entry/notifier-lambda.ts')) as never);
}, 60_000);
afterAll(() => rt.close());

const scheduledEvent = (): ScheduledEvent => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/agenticai-dev-SweeperSchedule'],
  detail: {},
});

describe('sweeper and stage workers as Lambda functions', () => {
  it('an EventBridge scheduled event re-queues a project nobody picked up; the SQS-driven workers finish it', async () => {
    const { body: project } = await rt.json<{ id: string }>(
      '/api/projects',
      jsonPost({ name: 'Swept', type: 'api', description: 'never picked up' }),
    );
    const swept = await sweeper(scheduledEvent());
    expect(swept).toMatchObject({ requeued: 1 });
    expect(sim.depth(names.pm)).toBe(1);

    // The event source mappings poll each stage queue; every record is processed and deleted.
    for (let round = 0; round < 12; round++) {
      for (const name of Object.values(names)) {
        const { records, response, error } = await sim.deliver(name, worker);
        expect(error).toBeUndefined();
        if (records.length > 0) expect(response?.batchItemFailures).toEqual([]);
      }
      const { body } = await rt.json<{ status: string }>(`/api/projects/${project.id}`);
      if (body.status === 'completed') break;
    }
    const { body: done } = await rt.json<{ status: string; history: { stage: string }[] }>(
      `/api/projects/${project.id}`,
    );
    expect(done.status).toBe('completed');
    expect(Object.values(names).map(sim.depth.bind(sim))).toEqual([0, 0, 0, 0]);
    // What the workers wrote to S3 is what the API lists and serves.
    const { body: artifacts } = await rt.json<{ items: { name: string }[] }>(
      `/api/projects/${project.id}/artifacts`,
    );
    expect(artifacts.items.map((a) => a.name)).toEqual(
      expect.arrayContaining(['requirements.md', 'review.md', 'deploy.md']),
    );
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.length).toBeGreaterThanOrEqual(5);
    expect(puts.every((i) => i.ServerSideEncryption === 'aws:kms')).toBe(true);

    // Nothing left to sweep.
    expect(await sweeper(scheduledEvent())).toMatchObject({ requeued: 0 });
  });

  it('a duplicate delivery of a finished stage (SQS is at-least-once) is acknowledged without redoing it', async () => {
    const { body: project } = await rt.json<{ id: string }>(
      '/api/projects',
      jsonPost({ name: 'Twice', type: 'cli', description: 'delivered twice' }),
    );
    await sweeper(scheduledEvent());
    const message = { projectId: project.id, clientId: rt.clientId, stage: 'pm', correlationId: 'dup' };
    // The same stage message twice in one batch.
    await new SQSClient({ region: 'us-east-1' }).send(
      new SendMessageCommand({
        QueueUrl: sim.url(names.pm),
        MessageBody: JSON.stringify(message),
      }),
    );
    const { records, response } = await sim.deliver(names.pm, worker);
    expect(records).toHaveLength(2);
    expect(response?.batchItemFailures).toEqual([]);
    expect(sim.depth(names.dev)).toBe(1);
  });
});

describe('notifier Lambda subscribed to the alert topics (SNS)', () => {
  const sample = JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/alerts/samples.json'), 'utf8'),
  ).metric as { subject: string; message: unknown };
  const snsEvent: SNSEvent = {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:agenticai-dev-critical:0b1f',
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:agenticai-dev-critical',
          Subject: sample.subject,
          Message: typeof sample.message === 'string' ? sample.message : JSON.stringify(sample.message),
          Timestamp: '2026-11-23T10:00:38.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };

  it('R3.4 posts the alarm to the Slack webhook kept in Secrets Manager', async () => {
    const fetch = vi.fn(async () => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    try {
      await notifier(snsEvent);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(SLACK);
    expect(JSON.parse(String(init.body)).blocks.length).toBeGreaterThan(0);
    expect(JSON.stringify(JSON.parse(String(init.body)))).toContain('agenticai-production-api-5xx-api');
  });

  it('a refused post fails the invocation, so Lambda retries it and then dead-letters it', async () => {
    vi.stubGlobal('fetch', async () => new Response('invalid_blocks', { status: 400 }));
    try {
      await expect(notifier(snsEvent)).rejects.toThrow(/Slack answered 400/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
