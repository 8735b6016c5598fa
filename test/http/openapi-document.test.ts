import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT_FILE, renderOpenApiDocument } from '../../src/http/openapi.ts';

describe('the pre-built OpenAPI document', () => {
  it('is what the zod schemas generate today (run `npm run docs` when this fails)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', OPENAPI_DOCUMENT_FILE), 'utf8');
    expect(committed).toBe(renderOpenApiDocument());
  });
});
