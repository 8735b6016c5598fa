import type { MiddlewareHandler } from 'hono';
import type { HttpEnv } from '../context.ts';

/** Until API keys exist every request acts for one configured local client. */
export function fixedTenant(clientId: string): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    c.set('clientId', clientId);
    await next();
  };
}
