import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileArtifactStore } from '../../src/adapters/local/file-artifact-store.ts';
import type { ProjectRepository } from '../../src/app/ports.ts';
import { ProjectService } from '../../src/app/projects.ts';
import { nodeEntry } from '../../src/composition/local.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { fixedTenant } from '../../src/http/middleware/identify.ts';
import {
  jsonPost,
  silentLogger,
  startTestRuntime,
  type TestRuntime,
  validProject,
} from '../support/local-app.ts';

type ErrorBody = {
  error: { code: string; message: string; requestId: string; details?: { path: string }[] };
};
type ProjectBody = { id: string; status: string; stage: null; clientId: string; history: unknown[] };

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ workers: false });
});
afterAll(() => rt.close());

function expectError(res: Response, body: ErrorBody, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
}

describe('request pipeline', () => {
  it('R9.1 every response carries X-Request-Id and a correlation id (made when absent)', async () => {
    const res = await rt.request('/health');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-correlation-id')).toBe(res.headers.get('x-request-id'));
  });

  it('echoes a caller X-Correlation-Id, and replaces an unsafe one', async () => {
    const ok = await rt.request('/health', { headers: { 'x-correlation-id': 'order-42.retry:1' } });
    expect(ok.headers.get('x-correlation-id')).toBe('order-42.retry:1');
    const unsafe = await rt.request('/health', { headers: { 'x-correlation-id': 'a b<script>' } });
    expect(unsafe.headers.get('x-correlation-id')).toBe(unsafe.headers.get('x-request-id'));
  });

  it('unknown route → 404 JSON error', async () => {
    const { res, body } = await rt.json<ErrorBody>('/api/nothing');
    expectError(res, body, 404, 'not_found');
  });

  it('wrong method → 405 JSON error with Allow', async () => {
    const { res, body } = await rt.json<ErrorBody>('/api/projects', { method: 'DELETE' });
    expectError(res, body, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toContain('POST');
    const put = await rt.request('/health', { method: 'PUT' });
    expect(put.status).toBe(405);
  });

  it('R9.1 writes one structured access log line per request', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const logged = await startTestRuntime({ logger: new Logger({ serviceName: 'test', logLevel: 'INFO' }) });
    try {
      const res = await logged.request('/api/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV', {
        headers: { 'x-correlation-id': 'corr-1' },
      });
      const entries = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'request');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        event: 'request',
        requestId: res.headers.get('x-request-id'),
        correlationId: 'corr-1',
        method: 'GET',
        route: '/api/projects/:id',
        status: 404,
        clientId: logged.clientId,
        keyId: logged.keyId,
        timestamp: expect.any(String),
        latencyMs: expect.any(Number),
      });
    } finally {
      spy.mockRestore();
      await logged.close();
    }
  });
});

describe('GET /health', () => {
  it('checks the store and answers 200 ok', async () => {
    const { res, body } = await rt.json<{ status: string; checks: { store: { status: string } } }>('/health');
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.store.status).toBe('ok');
  });
});

describe('POST /api/projects', () => {
  it('202 with a queued project and a Location header', async () => {
    const { res, body } = await rt.json<ProjectBody>('/api/projects', jsonPost(validProject));
    expect(res.status).toBe(202);
    expect(body).toMatchObject({
      ...validProject,
      status: 'queued',
      stage: null,
      clientId: rt.clientId,
      history: [],
    });
    expect(res.headers.get('location')).toBe(`/api/projects/${body.id}`);
  });

  it('400 validation_failed names every bad field, unknown fields included', async () => {
    const { res, body } = await rt.json<ErrorBody>(
      '/api/projects',
      jsonPost({ name: '', type: 'game', description: 'x', owner: 'me' }),
    );
    expectError(res, body, 400, 'validation_failed');
    expect(body.error.details?.map((d) => d.path).sort()).toEqual(['name', 'owner', 'type']);
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"text"'],
    ['null', 'null'],
  ])('400 validation_failed for %s', async (_label, raw) => {
    const { res, body } = await rt.json<ErrorBody>('/api/projects', jsonPost(raw));
    expectError(res, body, 400, 'validation_failed');
  });

  it('400 invalid_json for a body that is not JSON', async () => {
    const { res, body } = await rt.json<ErrorBody>('/api/projects', jsonPost('{"name": '));
    expectError(res, body, 400, 'invalid_json');
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['no content type', {}],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])('415 unsupported_media_type for %s', async (_label, headers) => {
    const { res, body } = await rt.json<ErrorBody>('/api/projects', {
      method: 'POST',
      headers,
      body: JSON.stringify(validProject),
    });
    expectError(res, body, 415, 'unsupported_media_type');
  });

  it('accepts application/json with a charset and +json types', async () => {
    const res = await rt.request('/api/projects', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(validProject),
    });
    expect(res.status).toBe(202);
  });

  it('413 payload_too_large above 64 KiB, with or without Content-Length', async () => {
    const big = JSON.stringify({ ...validProject, description: 'x'.repeat(70 * 1024) });
    const { res, body } = await rt.json<ErrorBody>('/api/projects', jsonPost(big));
    expectError(res, body, 413, 'payload_too_large');
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await rt.request('/api/projects', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('a body just under 64 KiB is read (and judged on its content)', async () => {
    const near = JSON.stringify({ ...validProject, description: 'x'.repeat(60 * 1024) });
    const { res, body } = await rt.json<ErrorBody>('/api/projects', jsonPost(near));
    expectError(res, body, 400, 'validation_failed');
  });
});

describe('C12 Idempotency-Key', () => {
  it('the same key and body returns the same project (marked replayed)', async () => {
    const first = await rt.json<ProjectBody>(
      '/api/projects',
      jsonPost(validProject, { 'idempotency-key': 'k-same' }),
    );
    const again = await rt.json<ProjectBody>(
      '/api/projects',
      jsonPost(validProject, { 'idempotency-key': 'k-same' }),
    );
    expect(first.res.status).toBe(202);
    expect(again.res.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(first.res.headers.get('idempotent-replayed')).toBe('false');
    expect(again.res.headers.get('idempotent-replayed')).toBe('true');
  });

  it('the same key with a different body → 409 idempotency_conflict', async () => {
    await rt.request('/api/projects', jsonPost(validProject, { 'idempotency-key': 'k-conflict' }));
    const { res, body } = await rt.json<ErrorBody>(
      '/api/projects',
      jsonPost({ ...validProject, name: 'other' }, { 'idempotency-key': 'k-conflict' }),
    );
    expectError(res, body, 409, 'idempotency_conflict');
  });

  it('concurrent requests with one key create exactly one project', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        rt.json<ProjectBody>('/api/projects', jsonPost(validProject, { 'idempotency-key': 'k-concurrent' })),
      ),
    );
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses.every((r) => r.res.status === 202)).toBe(true);
  });

  it('400 invalid_idempotency_key for an over-long or non-printable key', async () => {
    const { res, body } = await rt.json<ErrorBody>(
      '/api/projects',
      jsonPost(validProject, { 'idempotency-key': 'k'.repeat(256) }),
    );
    expectError(res, body, 400, 'invalid_idempotency_key');
  });
});

describe('GET /api/projects and /api/projects/{id}', () => {
  it('lists newest first with cursor pagination', async () => {
    const tenant = await startTestRuntime({ workers: false });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (await tenant.json<ProjectBody>('/api/projects', jsonPost({ ...validProject, name: `p${i}` }))).body
            .id,
        );
      }
      const page1 = await tenant.json<{ items: ProjectBody[]; nextCursor?: string }>('/api/projects?limit=2');
      expect(page1.body.items.map((p) => p.id)).toEqual([ids[4], ids[3]]);
      const page2 = await tenant.json<{ items: ProjectBody[]; nextCursor?: string }>(
        `/api/projects?limit=2&cursor=${page1.body.nextCursor}`,
      );
      expect(page2.body.items.map((p) => p.id)).toEqual([ids[2], ids[1]]);
      const page3 = await tenant.json<{ items: ProjectBody[]; nextCursor?: string }>(
        `/api/projects?limit=2&cursor=${page2.body.nextCursor}`,
      );
      expect(page3.body.items.map((p) => p.id)).toEqual([ids[0]]);
      expect(page3.body.nextCursor).toBeUndefined();
    } finally {
      await tenant.close();
    }
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'cursor=garbage', 'unknown=1'])(
    '400 for bad query %s',
    async (query) => {
      const { res, body } = await rt.json<ErrorBody>(`/api/projects?${query}`);
      expect(res.status).toBe(400);
      expect(['validation_failed', 'invalid_cursor']).toContain(body.error.code);
    },
  );

  it('gets one project by id; 404 project_not_found for unknown or malformed ids', async () => {
    const created = await rt.json<ProjectBody>('/api/projects', jsonPost(validProject));
    const { res, body } = await rt.json<ProjectBody>(`/api/projects/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(body).toEqual(created.body);
    for (const id of ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'not-an-id', '01arz3ndektsv4rrffq69g5fa']) {
      const missing = await rt.json<ErrorBody>(`/api/projects/${id}`);
      expectError(missing.res, missing.body, 404, 'project_not_found');
    }
  });

  it("another client's project is 404, in lists and by id", async () => {
    const created = await rt.json<ProjectBody>('/api/projects', jsonPost(validProject));
    // Same store, another tenant: a second app over the same repository.
    const intruder = createHttpApp({
      projects: new ProjectService(await repoOf(rt), new FileArtifactStore(rt.dataDir), {
        now: () => new Date(),
      }),
      healthChecks: [],
      logger: silentLogger(),
      entry: nodeEntry,
      version: 'test',
      identify: fixedTenant('intruder'),
    });
    const res = await intruder.request(`/api/projects/${created.body.id}`);
    expect(res.status).toBe(404);
    expect((await intruder.request(`/api/projects/${created.body.id}/artifacts`)).status).toBe(404);
    const list = (await (await intruder.request('/api/projects')).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });
});

async function repoOf(runtime: TestRuntime): Promise<ProjectRepository> {
  const { createDocumentClient } = await import('../../src/adapters/dynamodb/client.ts');
  const { DynamoProjectRepository } = await import('../../src/adapters/aws/project-repository.ts');
  return new DynamoProjectRepository(
    createDocumentClient({ endpoint: runtime.store.endpoint }),
    'agenticai-local-data',
  );
}

describe('artifacts', () => {
  it('lists none for a new project and serves an artifact written by a stage', async () => {
    const created = await rt.json<ProjectBody>('/api/projects', jsonPost(validProject));
    const empty = await rt.json<{ items: unknown[] }>(`/api/projects/${created.body.id}/artifacts`);
    expect(empty.res.status).toBe(200);
    expect(empty.body.items).toEqual([]);

    const store = new FileArtifactStore(`${rt.dataDir}/artifacts`);
    await store.write(rt.clientId, created.body.id, 'pm', 'requirements.md', '# Requirements\n');
    const list = await rt.json<{ items: { name: string; stage: string; size: number }[] }>(
      `/api/projects/${created.body.id}/artifacts`,
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: 'requirements.md', stage: 'pm', size: 15 }),
    ]);
    const content = await rt.request(`/api/projects/${created.body.id}/artifacts/requirements.md`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(await content.text()).toBe('# Requirements\n');
  });

  it('404 artifact_not_found for a missing or unsafe name; 404 for an unknown project', async () => {
    const created = await rt.json<ProjectBody>('/api/projects', jsonPost(validProject));
    for (const name of ['nope.md', '..%2F..%2Fetc%2Fpasswd', '.hidden']) {
      const { res, body } = await rt.json<ErrorBody>(`/api/projects/${created.body.id}/artifacts/${name}`);
      expectError(res, body, 404, 'artifact_not_found');
    }
    const { res, body } = await rt.json<ErrorBody>('/api/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV/artifacts');
    expectError(res, body, 404, 'project_not_found');
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const { res, body } = await rt.json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    }>('/openapi.json');
    expect(res.status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/api/projects',
        '/api/projects/{id}',
        '/api/projects/{id}/artifacts/{name}',
      ]),
    );
    const input = body.components.schemas.CreateProjectInput!;
    expect(input.properties).toMatchObject({
      name: { type: 'string', minLength: 1, maxLength: 100 },
      type: { enum: ['api', 'web', 'cli', 'library', 'data'] },
      description: { maxLength: 4000 },
    });
    expect(input).toMatchObject({ additionalProperties: false });
    expect(body.components.schemas.Project?.required).toContain('status');
    expect(JSON.stringify(body)).not.toContain('$defs');
  });
});

describe('failures never leak internals', () => {
  const failingRepo = (error: Error): ProjectRepository => ({
    create: () => Promise.reject(error),
    get: () => Promise.reject(error),
    list: () => Promise.reject(error),
    claimIdempotencyKey: () => Promise.reject(error),
    getState: () => Promise.reject(error),
    save: () => Promise.reject(error),
    listActive: () => Promise.reject(error),
    getIdempotencyRecord: () => Promise.reject(error),
  });

  function appWith(repo: ProjectRepository, logger = silentLogger()) {
    return createHttpApp({
      projects: new ProjectService(repo, new FileArtifactStore('/nonexistent'), { now: () => new Date() }),
      healthChecks: [{ name: 'store', check: () => Promise.reject(new Error('down')) }],
      logger,
      entry: nodeEntry,
      version: 'test',
      identify: fixedTenant('c'),
    });
  }

  it('an unexpected exception → 500 internal_error without internals, logged with its stack', async () => {
    const logger = silentLogger();
    const errorSpy = vi.spyOn(logger, 'error');
    const app = appWith(failingRepo(new TypeError('secret internal detail at line 42')), logger);
    const res = await app.request('/api/projects');
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text).error.code).toBe('internal_error');
    expect(text).not.toContain('secret internal detail');
    expect(errorSpy).toHaveBeenCalledWith(
      'unhandled error',
      expect.objectContaining({
        error: expect.objectContaining({ message: 'secret internal detail at line 42' }),
      }),
    );
  });

  it('a store outage → 503 service_unavailable with Retry-After', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
    const res = await appWith(failingRepo(outage)).request('/api/projects');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as ErrorBody).error.code).toBe('service_unavailable');
  });

  it('/health reports degraded with 503 when the store check fails', async () => {
    const res = await appWith(failingRepo(new Error('x'))).request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', checks: { store: { status: 'error' } } });
  });
});
