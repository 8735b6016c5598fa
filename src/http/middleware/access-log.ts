import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../../app/logger.ts';
import type { EntryAdapter, HttpEnv } from '../context.ts';

/**
 * R9.1 and R1.5: ONE structured line per request, written after the response is decided (errors
 * included): request id, timestamp, client and key id, method, route, status, latency, source
 * address and the authentication result (`auth`). Lean by design (see docs/PERFORMANCE.md): the
 * correlation id only when the caller's differs from the request id, the concrete path only when
 * no route matched; absent values are left out rather than written as null.
 */
export function accessLog(logger: Logger, entry: EntryAdapter): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    await next();
    const route = routePath(c, -1);
    const matched = route !== '/*' && route !== '*';
    const requestId = c.get('requestId');
    const correlationId = c.get('correlationId');
    logger.info('request', {
      event: 'request',
      requestId,
      ...(correlationId !== requestId && { correlationId }),
      method: c.req.method,
      ...(matched ? { route } : { path: c.req.path }),
      status: c.res.status,
      latencyMs: Math.round((performance.now() - c.get('startedAt')) * 10) / 10,
      auth: c.get('auth'),
      clientId: c.get('clientId'),
      keyId: c.get('keyId'),
      sourceIp: entry.sourceIp(c),
    });
  };
}
