import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonPost, startTestRuntime, type TestRuntime } from '../support/local-app.ts';

const recorded = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/apigw-rest-proxy-event.json'), 'utf8'),
) as APIGatewayProxyEvent;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let rt: TestRuntime;
const sqs = mockClient(SQSClient);
let handler: Handler;

/** A REST proxy event for another request, built from the recorded one. */
function eventFor(
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    ...(recorded.headers as Record<string, string>),
    'X-API-Key': rt.apiKey,
    ...opts.headers,
  };
  if (headers['X-API-Key'] === '') delete headers['X-API-Key'];
  if (!opts.body) delete headers['Content-Type'];
  return {
    ...recorded,
    httpMethod: method,
    path,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v as string]])),
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: opts.query
      ? Object.fromEntries(Object.entries(opts.query).map(([k, v]) => [k, [v]]))
      : null,
    body: opts.body ?? null,
    requestContext: { ...recorded.requestContext, httpMethod: method, requestId: crypto.randomUUID() },
  };
}

/** API Gateway accepts single- or multi-value headers; Hono answers in the shape the event used. */
function header(result: APIGatewayProxyResult, name: string): string | undefined {
  const single = Object.entries(result.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  const multi = Object.entries(result.multiValueHeaders ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  return single !== undefined ? String(single) : multi?.map(String).join(', ');
}

/** Ids and times differ between two runs; everything else must be identical. */
function normalize(text: string) {
  return text
    .replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/"requestId":"[^"]+"/g, '"requestId":"<rid>"')
    .replace(/"latencyMs":[\d.]+/g, '"latencyMs":0');
}

beforeAll(async () => {
  rt = await startTestRuntime({ workers: false });
  // Secrets Manager holds the same pepper document as the local data dir.
  const pepper = readFileSync(join(rt.dataDir, 'pepper.json'), 'utf8');
  mockClient(SecretsManagerClient).on(GetSecretValueCommand).resolves({ SecretString: pepper });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  // The Lambda module wires itself from the environment, as in AWS, here against the local store.
  Object.assign(process.env, {
    AGENTICAI_MODE: 'aws',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: rt.store.endpoint,
    DATA_TABLE_NAME: 'agenticai-local-data',
    COUNTERS_TABLE_NAME: 'agenticai-local-counters',
    PEPPER_SECRET_ID: 'agenticai/local/key-pepper',
    QUEUE_URL_PM: 'https://sqs.us-east-1.amazonaws.com/123456789012/agenticai-dev-pm',
    QUEUE_URL_DEV: 'https://sqs.us-east-1.amazonaws.com/123456789012/agenticai-dev-dev',
    QUEUE_URL_QA: 'https://sqs.us-east-1.amazonaws.com/123456789012/agenticai-dev-qa',
    QUEUE_URL_OPS: 'https://sqs.us-east-1.amazonaws.com/123456789012/agenticai-dev-ops',
    ARTIFACT_BUCKET_NAME: 'unused-in-this-test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../src/http/lambda.ts')) as unknown as { handler: Handler });
});
afterAll(() => rt.close());

describe('Lambda entry point (API Gateway REST proxy)', () => {
  it('answers the recorded event: 202, API Gateway request id, correlation id echoed', async () => {
    const withKey = { ...recorded, headers: { ...recorded.headers, 'X-API-Key': rt.apiKey } };
    const result = await handler(withKey, {} as Context);
    expect(result.statusCode).toBe(202);
    const body = JSON.parse(result.body);
    expect(body).toMatchObject({ name: 'Todo API', status: 'queued', clientId: rt.clientId });
    expect(header(result, 'x-request-id')).toBe(recorded.requestContext.requestId);
    expect(header(result, 'x-correlation-id')).toBe('corr-recorded-1');
    expect(header(result, 'location')).toBe(`/api/projects/${body.id}`);
    // The project's first stage message went to the PM queue with the caller's correlation id.
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent.at(-1)).toMatchObject({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/agenticai-dev-pm',
      MessageAttributes: { correlationId: { StringValue: 'corr-recorded-1' } },
    });
    expect(JSON.parse(sent.at(-1)!.MessageBody!)).toEqual({
      projectId: body.id,
      clientId: rt.clientId,
      stage: 'pm',
      correlationId: 'corr-recorded-1',
    });
  });

  const cases: [
    string,
    string,
    { body?: string; headers?: Record<string, string>; query?: Record<string, string> },
  ][] = [
    ['GET', '/health', {}],
    [
      'POST',
      '/api/projects',
      {
        body: JSON.stringify({ name: 'x', type: 'web', description: 'y' }),
        headers: { 'Content-Type': 'application/json' },
      },
    ],
    ['POST', '/api/projects', { body: '{bad', headers: { 'Content-Type': 'application/json' } }],
    ['POST', '/api/projects', { body: '{}', headers: { 'Content-Type': 'text/plain' } }],
    [
      'POST',
      '/api/projects',
      {
        body: JSON.stringify({ name: '', type: 'x', description: 'y', extra: 1 }),
        headers: { 'Content-Type': 'application/json' },
      },
    ],
    ['POST', '/api/projects', { body: 'x'.repeat(70_000), headers: { 'Content-Type': 'application/json' } }],
    ['GET', '/api/projects', { query: { limit: '500' } }],
    ['GET', '/api/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV', {}],
    ['DELETE', '/api/projects', {}],
    ['GET', '/nowhere', {}],
    ['GET', '/health', { headers: { 'X-API-Key': '' } }],
    ['GET', '/health', { headers: { 'X-API-Key': 'agk_malformed' } }],
    [
      'GET',
      '/health',
      { headers: { 'X-API-Key': 'agk_AAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCC' } },
    ],
  ];

  it.each(cases)('%s %s gives the same answer as the local server', async (method, path, opts) => {
    const result = await handler(eventFor(method, path, opts), {} as Context);
    const query = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
    const headers = { 'X-API-Key': rt.apiKey, ...opts.headers };
    const local = await rt.app.request(`http://127.0.0.1${path}${query}`, {
      method,
      headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')),
      ...(opts.body !== undefined && { body: opts.body }),
    });
    expect(result.statusCode).toBe(local.status);
    expect(normalize(result.body)).toBe(normalize(await local.text()));
    for (const name of [
      'content-type',
      'allow',
      'x-content-type-options',
      'cache-control',
      'www-authenticate',
      'x-ratelimit-limit',
    ]) {
      expect(header(result, name)).toBe(local.headers.get(name) ?? undefined);
    }
  });

  it('a project created through Lambda is readable through the local server (same store, same shape)', async () => {
    const created = JSON.parse(
      (
        await handler(
          eventFor('POST', '/api/projects', {
            body: JSON.stringify({ name: 'shared', type: 'cli', description: 'd' }),
            headers: { 'Content-Type': 'application/json' },
          }),
          {} as Context,
        )
      ).body,
    );
    const { res, body } = await rt.json(`/api/projects/${created.id}`);
    expect(res.status).toBe(200);
    expect(body).toEqual(created);
    expect(
      (await rt.request('/api/projects', jsonPost({ name: 'n', type: 'api', description: 'd' }))).status,
    ).toBe(202);
  });
});
