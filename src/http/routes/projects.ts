import { Hono } from 'hono';
import type { ProjectService } from '../../app/projects.ts';
import { CANARY_HEADER } from '../../domain/canary.ts';
import { AppError } from '../../domain/errors.ts';
import { decodeCursor, encodeCursor } from '../../domain/pagination.ts';
import { CreateProjectInput } from '../../domain/project.ts';
import type { HttpContext, HttpEnv } from '../context.ts';
import { toFieldIssues } from '../errors.ts';
import { limitBody, readJsonBody } from '../middleware/json-body.ts';
import { IdempotencyKey, ListProjectsQuery } from '../schemas.ts';

function tenant(c: HttpContext): string {
  const clientId = c.get('clientId');
  // The pipeline sets the tenant before any route runs; reaching here without one is a wiring bug.
  if (!clientId) throw new Error('no client identity on an API route');
  return clientId;
}

export function projectRoutes(projects: ProjectService) {
  const app = new Hono<HttpEnv>();

  app.post('/api/projects', limitBody, async (c) => {
    const rawKey = c.req.header('idempotency-key');
    let idempotencyKey: string | undefined;
    if (rawKey !== undefined) {
      const parsed = IdempotencyKey.safeParse(rawKey);
      if (!parsed.success) throw new AppError('invalid_idempotency_key', parsed.error.issues[0]!.message);
      idempotencyKey = parsed.data;
    }
    const canary = c.req.header(CANARY_HEADER) === '1';
    if (canary && !c.get('canaryClient')) {
      throw new AppError(
        'canary_not_allowed',
        `${CANARY_HEADER} is only honoured for canary clients (agenticai keys create --canary)`,
      );
    }
    if (canary && idempotencyKey !== undefined) {
      throw new AppError('bad_request', `${CANARY_HEADER} and Idempotency-Key cannot be combined`);
    }
    const input = await readJsonBody(c, CreateProjectInput);
    const { project, replayed } = await projects.create(
      tenant(c),
      input,
      idempotencyKey,
      c.get('correlationId'),
      canary,
    );
    c.header('Location', `/api/projects/${project.id}`);
    if (idempotencyKey !== undefined) c.header('Idempotent-Replayed', String(replayed));
    return c.json(project, 202);
  });

  app.get('/api/projects', async (c) => {
    const parsed = ListProjectsQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw new AppError(
        'validation_failed',
        'query parameters are invalid',
        toFieldIssues(parsed.error.issues),
      );
    }
    const { limit, cursor } = parsed.data;
    const page = await projects.list(
      tenant(c),
      limit,
      cursor === undefined ? undefined : decodeCursor(cursor),
    );
    return c.json({ items: page.items, ...(page.lastId && { nextCursor: encodeCursor(page.lastId) }) });
  });

  app.get('/api/projects/:id', async (c) => c.json(await projects.get(tenant(c), c.req.param('id'))));

  app.get('/api/projects/:id/artifacts', async (c) => {
    const items = await projects.listArtifacts(tenant(c), c.req.param('id'));
    return c.json({ items });
  });

  app.get('/api/projects/:id/artifacts/:name', async (c) => {
    const { artifact, body } = await projects.readArtifact(tenant(c), c.req.param('id'), c.req.param('name'));
    return c.body(new Uint8Array(body), 200, { 'Content-Type': artifact.contentType });
  });

  return app;
}
