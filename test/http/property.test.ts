import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-app.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ workers: false });
});
afterAll(() => rt.close());

const nearlyValid = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 120 }), fc.integer(), fc.constant(null)),
    type: fc.oneof(fc.constantFrom('api', 'web', 'cli', 'library', 'data'), fc.string()),
    description: fc.oneof(fc.string({ maxLength: 200 }), fc.boolean(), fc.array(fc.string())),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('property: no input produces a 5xx', () => {
  it('random JSON bodies to POST /api/projects get 202 or a JSON 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), nearlyValid), async (body) => {
        const res = await rt.request('/api/projects', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status === 202 || (res.status >= 400 && res.status < 500)).toBe(true);
        if (res.status !== 202)
          expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
      }),
      { numRuns: 150 },
    );
  });

  it('random raw bodies, content types, paths and methods never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        fc.oneof(
          fc.constantFrom('/health', '/api/projects', '/openapi.json'),
          fc.webPath().map((p) => `/api/projects/${p}`),
          fc.webPath(),
        ),
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
        fc.webQueryParameters(),
        async (method, path, body, contentType, query) => {
          const hasBody = method !== 'GET' && method !== 'OPTIONS';
          const res = await rt.request(`${path.startsWith('/') ? path : `/${path}`}?${query}`, {
            method,
            headers: contentType ? { 'content-type': contentType } : {},
            ...(hasBody && { body }),
          });
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});
