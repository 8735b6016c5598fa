import { Hono, type MiddlewareHandler } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { isDependencyFailure } from '../app/dependency-failure.ts';
import type { Logger } from '../app/logger.ts';
import type { HealthCheck } from '../app/ports.ts';
import type { ProjectService } from '../app/projects.ts';
import { AppError } from '../domain/errors.ts';
import type { EntryAdapter, HttpEnv } from './context.ts';
import { errorBody, errorResponse } from './errors.ts';
import { accessLog } from './middleware/access-log.ts';
import { requestContext } from './middleware/request-context.ts';
import openApiDocument from './openapi.generated.json' with { type: 'json' };
import { healthRoutes } from './routes/health.ts';
import { projectRoutes } from './routes/projects.ts';

export interface HttpAppDeps {
  projects: ProjectService;
  healthChecks: HealthCheck[];
  logger: Logger;
  entry: EntryAdapter;
  version: string;
  /**
   * Establishes who is calling (sets `clientId`/`keyId`) and enforces limits, before any route.
   * The slot for authentication and rate limiting.
   */
  identify: MiddlewareHandler<HttpEnv>;
}

/**
 * The one request pipeline, shared by the Lambda and the local server:
 * request id → access log → identify (auth, rate limit) → 405 check → route; errors map to JSON.
 */
export function createHttpApp(deps: HttpAppDeps) {
  const app = new Hono<HttpEnv>();
  const openApi = { ...openApiDocument, info: { ...openApiDocument.info, version: deps.version } };

  app.use(requestContext(deps.entry));
  app.use(accessLog(deps.logger, deps.entry));
  app.use(deps.identify);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => {
        c.header('Allow', allowed.join(', '));
        return c.json(
          errorBody(
            'method_not_allowed',
            `${c.req.method} is not allowed here; use ${allowed.join(', ')}`,
            c.get('requestId'),
          ),
          405,
        );
      },
    }),
  );

  app.route('/', healthRoutes(deps.healthChecks, deps.version));
  app.route('/', projectRoutes(deps.projects));
  app.get('/openapi.json', (c) => c.json(openApi));

  app.notFound((c) =>
    c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`, c.get('requestId')), 404),
  );

  app.onError((error, c) => {
    if (error instanceof AppError) return errorResponse(c, error);
    if (isDependencyFailure(error)) {
      deps.logger.warn('dependency unavailable', {
        event: 'dependency_unavailable',
        requestId: c.get('requestId'),
        error: error instanceof Error ? error.name : String(error),
      });
      return errorResponse(
        c,
        new AppError('service_unavailable', 'a backing service is unavailable; retry shortly', undefined, {
          'Retry-After': '5',
        }),
      );
    }
    // Unexpected: log everything for operators, tell the caller nothing about internals.
    deps.logger.error('unhandled error', {
      event: 'unhandled_error',
      requestId: c.get('requestId'),
      correlationId: c.get('correlationId'),
      error,
    });
    return errorResponse(
      c,
      new AppError('internal_error', 'internal error; quote the requestId when reporting it'),
    );
  });

  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;
