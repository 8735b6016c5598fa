import { Hono } from 'hono';
import type { HealthCheck } from '../../app/ports.ts';
import type { HttpEnv } from '../context.ts';

/** Liveness plus dependency checks; 503 with the failing check named when a dependency is down. */
export function healthRoutes(checks: HealthCheck[], version: string) {
  const app = new Hono<HttpEnv>();
  app.get('/health', async (c) => {
    const results = await Promise.all(
      checks.map(async (check) => {
        const started = performance.now();
        try {
          await check.check();
          return [check.name, { status: 'ok' as const, latencyMs: elapsed(started) }] as const;
        } catch (error) {
          const message = error instanceof Error ? error.name : 'unknown error';
          return [
            check.name,
            { status: 'error' as const, latencyMs: elapsed(started), error: message },
          ] as const;
        }
      }),
    );
    const healthy = results.every(([, r]) => r.status === 'ok');
    return c.json(
      {
        status: healthy ? 'ok' : 'degraded',
        version,
        time: new Date().toISOString(),
        checks: Object.fromEntries(results),
      },
      healthy ? 200 : 503,
    );
  });
  return app;
}

function elapsed(started: number) {
  return Math.round((performance.now() - started) * 100) / 100;
}
