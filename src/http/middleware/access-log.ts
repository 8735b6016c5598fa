import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../../app/logger.ts';
import type { EntryAdapter, HttpEnv } from '../context.ts';

/** R9.1: one structured line per request, written after the response is decided (errors included). */
export function accessLog(logger: Logger, entry: EntryAdapter): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    await next();
    const route = routePath(c, -1);
    logger.info('request', {
      event: 'request',
      requestId: c.get('requestId'),
      correlationId: c.get('correlationId'),
      method: c.req.method,
      path: c.req.path,
      route: route === '/*' || route === '*' ? null : route,
      status: c.res.status,
      latencyMs: Math.round((performance.now() - c.get('startedAt')) * 100) / 100,
      clientId: c.get('clientId') ?? null,
      keyId: c.get('keyId') ?? null,
      sourceIp: entry.sourceIp(c) ?? null,
    });
  };
}
