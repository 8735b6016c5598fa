import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handle } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileArtifactStore } from '../../src/adapters/local/file-artifact-store.ts';
import { createAwsHttpApp } from '../../src/composition/aws.ts';
import { isContentTypeBinary } from '../../src/http/lambda-body.ts';
import { lambdaContext, restApiGateway, synthesizedRestApiSettings } from '../support/apigw-harness.ts';
import { jsonPost, startTestRuntime, type TestRuntime, waitFor } from '../support/local-app.ts';
import { serveBucketFromDir } from '../support/s3-over-dir.ts';

const recorded = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/apigw-rest-proxy-event.json'), 'utf8'),
) as APIGatewayProxyEvent;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const BUCKET = 'agenticai-test-artifacts';
let rt: TestRuntime;
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
let handler: Handler;
let gateway: ReturnType<typeof restApiGateway>;
const settings = synthesizedRestApiSettings();
/** Projects run to completion locally (template model), one per artifact kind. */
const done: { id: string; type: string }[] = [];

/** Ids and times differ between two runs; everything else must be identical. */
function normalize(text: string) {
  return text
    .replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/"requestId":"[^"]+"/g, '"requestId":"<rid>"')
    .replace(/"latencyMs":[\d.]+/g, '"latencyMs":0');
}

/** The headers clients rely on; the rest (request ids, rate-limit remaining) differ per call. */
const COMPARED_HEADERS = [
  'content-type',
  'allow',
  'location',
  'retry-after',
  'x-content-type-options',
  'cache-control',
  'x-ratelimit-limit',
  'idempotent-replayed',
];

beforeAll(async () => {
  rt = await startTestRuntime();
  // Secrets Manager holds the same pepper document as the local data dir.
  const pepper = readFileSync(join(rt.dataDir, 'pepper.json'), 'utf8');
  mockClient(SecretsManagerClient).on(GetSecretValueCommand).resolves({ SecretString: pepper });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  // The bucket holds what the local workers wrote: the same key layout, served as S3 would.
  serveBucketFromDir(s3, BUCKET, join(rt.dataDir, 'artifacts'), { pageSize: 3 });
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
    ARTIFACT_BUCKET_NAME: BUCKET,
    RUNNING_PROJECTS: '10000',
    PROJECTS_PER_DAY: '100000',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../src/entry/api-lambda.ts')) as unknown as { handler: Handler });
  gateway = restApiGateway(handler, settings);

  // Every kind of artifact: the template model's Markdown and source files of three project types,
  // plus YAML, JSON and JavaScript with mixed-case names (listing order differs by comparator).
  for (const type of ['api', 'web', 'data']) {
    const { body } = await rt.json<{ id: string }>(
      '/api/projects',
      jsonPost({ name: `Kinds ${type}`, type, description: `A ${type} project` }),
    );
    await waitFor(
      async () => {
        const { body: p } = await rt.json<{ status: string }>(`/api/projects/${body.id}`);
        return p.status === 'completed' ? p : undefined;
      },
      60_000,
      `project ${type} completed`,
    );
    done.push({ id: body.id, type });
  }
  const extra = new FileArtifactStore(join(rt.dataDir, 'artifacts'));
  await extra.write(rt.clientId, done[0]!.id, 'ops', 'openapi.yaml', 'openapi: 3.1.0\ninfo:\n  title: ü\n');
  await extra.write(rt.clientId, done[0]!.id, 'ops', 'Zeta.yml', 'a: 1\n');
  await extra.write(rt.clientId, done[0]!.id, 'ops', 'alpha.json', '{"a":"é"}\n');
  await extra.write(rt.clientId, done[0]!.id, 'ops', 'Beta.js', 'export const b = 1;\n');
}, 120_000);
afterAll(() => rt.close());

/** The same request to the local server. */
function local(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  return rt.app.request(`http://127.0.0.1${path}`, { ...init, headers });
}

async function compare(path: string, init: RequestInit = {}) {
  const withKey = (h?: RequestInit['headers']) => {
    const headers = new Headers(h);
    if (!headers.has('x-api-key')) headers.set('x-api-key', rt.apiKey);
    if (headers.get('x-api-key') === '') headers.delete('x-api-key');
    return headers;
  };
  const viaGateway = await gateway.fetch(path, { ...init, headers: withKey(init.headers) });
  const viaLocal = await local(path, { ...init, headers: withKey(init.headers) });
  const [gatewayBody, localBody] = [await viaGateway.text(), await viaLocal.text()];
  expect({ path, status: viaGateway.status }).toEqual({ path, status: viaLocal.status });
  expect(normalize(gatewayBody)).toBe(normalize(localBody));
  for (const name of COMPARED_HEADERS)
    expect([name, normalize(viaGateway.headers.get(name) ?? '')]).toEqual([
      name,
      normalize(viaLocal.headers.get(name) ?? ''),
    ]);
  expect(viaGateway.headers.get('x-request-id')).toBe(gateway.events.at(-1)!.requestContext.requestId);
  return { viaGateway, viaLocal, gatewayBody, localBody };
}

describe('Lambda entry point behind API Gateway (REST proxy harness)', () => {
  it('answers the recorded event: 202, API Gateway request id, correlation id echoed', async () => {
    const withKey = { ...recorded, headers: { ...recorded.headers, 'X-API-Key': rt.apiKey } };
    const result = await handler(withKey, lambdaContext());
    expect(result.statusCode).toBe(202);
    expect(result.isBase64Encoded).toBe(false);
    const body = JSON.parse(result.body);
    expect(body).toMatchObject({ name: 'Todo API', status: 'queued', clientId: rt.clientId });
    const header = (name: string) => result.multiValueHeaders?.[name]?.join(', ');
    expect(header('x-request-id')).toBe(recorded.requestContext.requestId);
    expect(header('x-correlation-id')).toBe('corr-recorded-1');
    expect(header('location')).toBe(`/api/projects/${body.id}`);
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

  it('the synthesized REST API declares no binary media types (the harness applies what it declares)', () => {
    expect(settings.binaryMediaTypes).toEqual([]);
    expect(settings.stageName).toBe('v1');
  });

  it('every artifact kind reads back as text through API Gateway, byte for byte as locally (Markdown, YAML included)', async () => {
    const seen = new Set<string>();
    for (const project of done) {
      const { viaGateway, gatewayBody } = await compare(`/api/projects/${project.id}/artifacts`);
      expect(viaGateway.status).toBe(200);
      const items = JSON.parse(gatewayBody).items as { name: string; contentType: string; size: number }[];
      expect(items.length).toBeGreaterThanOrEqual(4);
      for (const item of items) {
        const { viaGateway: res, gatewayBody: text } = await compare(
          `/api/projects/${project.id}/artifacts/${encodeURIComponent(item.name)}`,
        );
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(item.contentType);
        expect(Buffer.byteLength(text)).toBe(item.size);
        expect(gateway.results.at(-1)!.isBase64Encoded).toBe(false);
        seen.add(item.contentType.split(';')[0]!);
      }
    }
    expect([...seen].sort()).toEqual([
      'application/json',
      'text/javascript',
      'text/markdown',
      'text/plain',
      'text/yaml',
    ]);
  });

  it('artifact listings have one order in S3 and locally: stage, then name by code unit (mixed case)', async () => {
    const { gatewayBody } = await compare(`/api/projects/${done[0]!.id}/artifacts`);
    const ops = (JSON.parse(gatewayBody).items as { name: string; stage: string }[])
      .filter((a) => a.stage === 'ops')
      .map((a) => a.name);
    expect(ops).toEqual(['Beta.js', 'Zeta.yml', 'alpha.json', 'deploy.md', 'openapi.yaml']);
  });

  const cases: [string, string, RequestInit][] = [
    ['GET', '/health', {}],
    ['GET', '/openapi.json', {}],
    ['GET', '/api/projects?limit=2', {}],
    ['GET', '/api/projects?limit=500', {}],
    ['GET', '/api/projects?limit=1&limit=2', {}],
    ['GET', '/api/projects?cursor=%21%21', {}],
    ['GET', '/api/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV', {}],
    ['GET', '/api/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV/artifacts', {}],
    ['GET', '/api/projects/a%20b%2Fc', {}],
    ['GET', '/api/projects/%E2%9C%93/artifacts/x', {}],
    ['DELETE', '/api/projects', {}],
    ['PUT', '/health', {}],
    ['GET', '/nowhere', {}],
    ['GET', '/', {}],
    ['GET', '/health', { headers: { 'X-API-Key': '' } }],
    ['GET', '/health', { headers: { 'X-API-Key': 'agk_malformed' } }],
    [
      'GET',
      '/health',
      { headers: { 'X-API-Key': 'agk_AAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCC' } },
    ],
    ['POST', '/api/projects', jsonPost({ name: 'x', type: 'web', description: 'y' })],
    ['POST', '/api/projects', jsonPost({ name: 'ü✓', type: 'cli', description: 'non-ASCII € body' })],
    ['POST', '/api/projects', jsonPost('{bad')],
    ['POST', '/api/projects', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' }],
    ['POST', '/api/projects', jsonPost({ name: '', type: 'x', description: 'y', extra: 1 })],
    ['POST', '/api/projects', jsonPost('x'.repeat(70_000))],
    [
      'POST',
      '/api/projects',
      jsonPost({ name: 'n', type: 'api', description: 'd' }, { 'Idempotency-Key': 'bad key!' }),
    ],
  ];

  it.each(cases)('%s %s: same status, headers and body as the local server', async (method, path, init) => {
    await compare(path, { method, ...init });
  });

  it('a project created through API Gateway and one created locally read the same both ways', async () => {
    const first = await gateway.fetch('/api/projects', {
      ...jsonPost({ name: 'shared', type: 'cli', description: 'd' }, { 'Idempotency-Key': 'harness-1' }),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'harness-1', 'X-API-Key': rt.apiKey },
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBe('false');
    const created = (await first.json()) as { id: string };
    // The replay is answered identically by both paths (same store, same idempotency record).
    const replay = await compare(
      '/api/projects',
      jsonPost({ name: 'shared', type: 'cli', description: 'd' }, { 'Idempotency-Key': 'harness-1' }),
    );
    expect(replay.viaGateway.headers.get('idempotent-replayed')).toBe('true');
    expect(JSON.parse(replay.gatewayBody).id).toBe(created.id);
    await compare(`/api/projects/${created.id}`);
    await compare(`/api/projects/${done[1]!.id}`);
  });

  it('repeated headers and query values arrive as API Gateway sends them (multiValue fields)', async () => {
    const res = await gateway.fetch('/api/projects?limit=1&limit=3', {
      headers: [
        ['X-API-Key', rt.apiKey],
        ['X-Correlation-Id', 'corr-a'],
        ['X-Correlation-Id', 'corr-b'],
      ],
    });
    const event = gateway.events.at(-1)!;
    expect(event.multiValueQueryStringParameters).toEqual({ limit: ['1', '3'] });
    expect(event.queryStringParameters).toEqual({ limit: '3' });
    expect(event.multiValueHeaders['X-Correlation-Id']).toEqual(['corr-a', 'corr-b']);
    expect(event.requestContext).toMatchObject({ stage: 'v1', path: '/v1/api/projects' });
    // The application reads the same values the local server would get for the same request line.
    const viaLocal = await local('/api/projects?limit=1&limit=3', {
      headers: { 'X-API-Key': rt.apiKey, 'X-Correlation-Id': 'corr-a, corr-b' },
    });
    expect(res.status).toBe(viaLocal.status);
    expect(normalize(await res.text())).toBe(normalize(await viaLocal.text()));
  });

  it('R1.1 WWW-Authenticate does not reach clients through the REST proxy: API Gateway remaps it', async () => {
    // What AWS does differently: a proxy integration's WWW-Authenticate is renamed. The 401 and its
    // JSON error are intact; the challenge header arrives as x-amzn-Remapped-WWW-Authenticate.
    const viaGateway = await gateway.fetch('/health');
    const viaLocal = await local('/health');
    expect(viaGateway.status).toBe(401);
    expect(viaLocal.headers.get('www-authenticate')).toBeTruthy();
    expect(viaGateway.headers.get('www-authenticate')).toBeNull();
    expect(viaGateway.headers.get('x-amzn-remapped-www-authenticate')).toBe(
      viaLocal.headers.get('www-authenticate'),
    );
  });
});

describe('R9.1 R1.5 the one log line per API request, as the Lambda function writes it', () => {
  /** Every stdout line the API function writes while serving `requests` through API Gateway, parsed. */
  async function linesOf(requests: [string, RequestInit][]) {
    // The function as deployed logs at INFO; Lambda puts the invocation's trace header in the environment.
    const { app } = createAwsHttpApp({ ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' });
    const logged = restApiGateway(handle(app, { isContentTypeBinary }) as unknown as Handler, settings);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const trace = process.env._X_AMZN_TRACE_ID;
    process.env._X_AMZN_TRACE_ID =
      'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1';
    try {
      for (const [path, init] of requests) await logged.fetch(path, init);
    } finally {
      spy.mockRestore();
      if (trace === undefined) delete process.env._X_AMZN_TRACE_ID;
      else process.env._X_AMZN_TRACE_ID = trace;
    }
    // EMF metric lines (`_aws`) are metrics, not log lines; R9.1 and R1.5 concern the latter.
    return { written: written.filter((l) => !l.startsWith('{"_aws"')), events: logged.events };
  }

  it('an admitted request writes exactly one line, with every R9.1 and R1.5 field, in at most 400 bytes', async () => {
    const create = jsonPost({ name: 'Log line', type: 'api', description: 'How long is a log line?' });
    const { written, events } = await linesOf([
      ['/api/projects', { ...create, headers: { ...create.headers, 'x-api-key': rt.apiKey } }],
      [`/api/projects/${done[0]!.id}`, { headers: { 'x-api-key': rt.apiKey } }],
    ]);
    expect(written).toHaveLength(2);
    const [post, get] = written.map((l) => JSON.parse(l));
    for (const [line, event, method, route, status] of [
      [post, events[0]!, 'POST', '/api/projects', 202],
      [get, events[1]!, 'GET', '/api/projects/:id', 200],
    ] as const) {
      expect(line).toEqual({
        level: 'INFO',
        message: 'request',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
        service: 'agenticai',
        xray_trace_id: '1-67a1b2c3-0123456789abcdef01234567',
        event: 'request',
        requestId: event.requestContext.requestId,
        method,
        route,
        status,
        latencyMs: expect.any(Number),
        auth: 'valid',
        clientId: rt.clientId,
        keyId: rt.keyId,
        sourceIp: '203.0.113.7',
      });
    }
    // Bytes a line costs in CloudWatch Logs (ingestion is priced per byte): all fields are fixed-width
    // but the latency, so the bound holds for any latency below 10 s.
    for (const line of written) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(400);
  });

  it('a refused attempt writes one line too, carrying the reason and the parsed key id, never the key', async () => {
    const revoked = await rt.keyAdmin.createKey({ name: 'log-revoked', clientId: rt.clientId });
    await rt.keyAdmin.revokeKey(revoked.keyId);
    const { written } = await linesOf([
      ['/health', {}],
      ['/health', { headers: { 'x-api-key': 'not-a-key' } }],
      ['/health', { headers: { 'x-api-key': revoked.key } }],
    ]);
    const lines = written.map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.event, l.status, l.auth, l.keyId])).toEqual([
      ['request', 401, 'missing', undefined],
      ['request', 403, 'malformed', undefined],
      ['request', 403, 'revoked', revoked.keyId],
    ]);
    expect(lines.every((l) => l.clientId === undefined && l.sourceIp === '203.0.113.7')).toBe(true);
    expect(written.join('')).not.toContain(revoked.key.split('_')[2]);
    expect(written.join('')).not.toContain('not-a-key');
  });
});

describe('which response bodies the Lambda adapter base64-encodes', () => {
  it.each([
    ['text/markdown; charset=utf-8', false],
    ['text/yaml; charset=utf-8', false],
    ['application/yaml', false],
    ['application/x-yaml', false],
    ['application/json', false],
    ['application/problem+json', false],
    ['text/plain; charset=utf-8', false],
    ['image/png', true],
    ['application/octet-stream', true],
    ['application/zip', true],
  ])('%s → binary %s', (type, binary) => {
    expect(isContentTypeBinary(type)).toBe(binary);
  });
});
