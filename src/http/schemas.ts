import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/pagination.ts';
import { Artifact, Project } from '../domain/project.ts';

/** Shapes of the HTTP surface; the OpenAPI document is generated from these same schemas. */

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    time: z.iso.datetime(),
    checks: z.record(
      z.string(),
      z.object({ status: z.enum(['ok', 'error']), latencyMs: z.number(), error: z.string().optional() }),
    ),
  })
  .meta({ id: 'Health' });

export const ProjectList = z
  .object({
    items: z.array(Project),
    nextCursor: z
      .string()
      .optional()
      .describe('Pass as `cursor` to get the next page; absent on the last page.'),
  })
  .meta({ id: 'ProjectList' });

export const ArtifactList = z.object({ items: z.array(Artifact) }).meta({ id: 'ArtifactList' });

export const ListProjectsQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(512).optional(),
});

/** Printable ASCII, as the IETF Idempotency-Key draft expects of a key. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/, 'Idempotency-Key must be 1-255 printable ASCII characters');
