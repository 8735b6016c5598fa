import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/pagination.ts';
import { Artifact, Project } from '../domain/project.ts';
import * as z from '../domain/validation.ts';

/**
 * Shapes of the HTTP surface; the OpenAPI document is generated from these same schemas.
 * zod/mini (not classic zod): the same validation and messages in a fraction of the bundle and
 * module-init time of the Lambda functions.
 */

function named<T extends z.ZodMiniType>(schema: T, id: string): T {
  z.globalRegistry.add(schema, { id });
  return schema;
}

function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
}

export const ErrorResponse = named(
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      details: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    }),
  }),
  'Error',
);

export const HealthResponse = named(
  z.object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    time: z.iso.datetime(),
    checks: z.record(
      z.string(),
      z.object({ status: z.enum(['ok', 'error']), latencyMs: z.number(), error: z.optional(z.string()) }),
    ),
  }),
  'Health',
);

export const ProjectList = named(
  z.object({
    items: z.array(Project),
    nextCursor: described(
      z.optional(z.string()),
      'Pass as `cursor` to get the next page; absent on the last page.',
    ),
  }),
  'ProjectList',
);

export const ArtifactList = named(z.object({ items: z.array(Artifact) }), 'ArtifactList');

export const ListProjectsQuery = z.strictObject({
  limit: z._default(
    z.coerce
      .number()
      .check(
        z.int('limit must be a whole number'),
        z.gte(1, 'limit must be at least 1'),
        z.lte(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`),
      ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});

/** Printable ASCII, as the IETF Idempotency-Key draft expects of a key. */
export const IdempotencyKey = z
  .string()
  .check(z.regex(/^[\x21-\x7E]{1,255}$/, 'Idempotency-Key must be 1-255 printable ASCII characters'));
