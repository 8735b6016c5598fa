import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { EntryAdapter, HttpEnv } from '../context.ts';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First step of the pipeline: request id and correlation id, set on the response whatever happens
 * later (Hono resolves errors into `c.res` before control returns here).
 */
export function requestContext(entry: EntryAdapter): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    c.set('startedAt', performance.now());
    const requestId = entry.platformRequestId(c) ?? randomUUID();
    const offered = c.req.header('x-correlation-id');
    // Echo only ids that are safe to put in logs and headers; otherwise start a new correlation.
    const correlationId = offered && SAFE_ID.test(offered) ? offered : requestId;
    c.set('requestId', requestId);
    c.set('correlationId', correlationId);
    await next();
    c.header('X-Request-Id', requestId);
    c.header('X-Correlation-Id', correlationId);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-store');
  };
}
