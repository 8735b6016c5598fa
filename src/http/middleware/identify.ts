import type { MiddlewareHandler } from 'hono';
import type { Authenticator } from '../../app/authenticator.ts';
import type { Logger } from '../../app/logger.ts';
import type { Clock, MetricsSink } from '../../app/ports.ts';
import { CounterUnavailableError, type RateLimiter } from '../../app/rate-limiter.ts';
import { AppError } from '../../domain/errors.ts';
import { rateLimitHeaders } from '../../domain/rate-window.ts';
import { METRIC } from '../../observability/metrics.ts';
import type { HttpEnv } from '../context.ts';

/** Only for benchmarks of the pipeline without hardening (local mode only): one fixed tenant. */
export function fixedTenant(clientId: string): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    c.set('clientId', clientId);
    await next();
  };
}

export interface ApiKeyIdentityDeps {
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  logger: Logger;
  metrics: MetricsSink;
  clock: Clock;
}

const UNAVAILABLE_HEADERS = { 'Retry-After': '5' };

/**
 * Authentication (R1) then the hourly rate limit (R6), for every route including /health.
 * Missing key → 401; malformed, unknown, revoked or expired → one indistinguishable 403.
 * The key store failing → 503 (fail closed); the counter store failing → per RateLimiter policy.
 */
export function apiKeyIdentity(deps: ApiKeyIdentityDeps): MiddlewareHandler<HttpEnv> {
  const { authenticator, rateLimiter, logger, metrics, clock } = deps;
  return async (c, next) => {
    const requestId = c.get('requestId');
    let auth: Awaited<ReturnType<Authenticator['authenticate']>>;
    try {
      auth = await authenticator.authenticate(c.req.header('x-api-key'));
    } catch (error) {
      logger.error('key store unavailable', { event: 'auth_store_unavailable', requestId, error });
      metrics.count(METRIC.AuthStoreUnavailable);
      throw new AppError(
        'service_unavailable',
        'authentication is temporarily unavailable; retry shortly',
        undefined,
        UNAVAILABLE_HEADERS,
      );
    }

    // R1.5: the attempt goes into the request's one access line (access-log.ts): its result and the
    // parsed key id, never the presented string.
    const keyId = 'keyId' in auth ? auth.keyId : auth.result === 'valid' ? auth.key.keyId : undefined;
    c.set('auth', auth.result);
    if (keyId) c.set('keyId', keyId);

    if (auth.result === 'missing') {
      metrics.count(METRIC.AuthFailures, { reason: 'missing' });
      throw new AppError('missing_api_key', 'an API key is required in the X-API-Key header', undefined, {
        'WWW-Authenticate': 'ApiKey realm="agenticai"',
      });
    }
    if (auth.result !== 'valid') {
      metrics.count(METRIC.AuthFailures, { reason: auth.result });
      throw new AppError('invalid_api_key', 'the API key is invalid, revoked or expired');
    }

    const { key, client } = auth;
    c.set('clientId', client.clientId);
    c.set('keyId', key.keyId);
    c.set('canaryClient', client.canary === true);

    let decision: Awaited<ReturnType<RateLimiter['check']>>;
    try {
      decision = await rateLimiter.check(client.clientId, client.hourlyLimit);
    } catch (error) {
      if (error instanceof CounterUnavailableError) {
        throw new AppError(
          'service_unavailable',
          'rate limiting is temporarily unavailable; retry shortly',
          undefined,
          UNAVAILABLE_HEADERS,
        );
      }
      throw error;
    }
    const headers = rateLimitHeaders(decision, clock.now());
    if (!decision.allowed) {
      logger.warn('rate limit exceeded', {
        event: 'rate_limit_exceeded',
        requestId,
        clientId: client.clientId,
        keyId: key.keyId,
        limit: decision.limit,
        resetAt: decision.window.end,
      });
      metrics.count(METRIC.RateLimited);
      throw new AppError(
        'rate_limited',
        `rate limit of ${decision.limit} requests per hour exceeded; retry after the window resets`,
        undefined,
        headers,
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}
