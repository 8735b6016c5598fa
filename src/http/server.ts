import '../local-env.ts';
import { type ServerType, serve } from '@hono/node-server';
import { StoreBusyError } from '../adapters/local/embedded-dynamo.ts';
import type { KeyAdmin } from '../app/key-admin.ts';
import { createLocalRuntime } from '../composition/local.ts';
import { ConfigError, loadConfig } from '../config.ts';

/** Local entry point: `npm start`. Thin: configuration, wiring, listen, graceful shutdown. */
async function main() {
  const config = loadConfig();
  const runtime = await createLocalRuntime(config);
  const { logger } = runtime;
  await bootstrapAdminKey(runtime.keyAdmin, config.bypassHardening);

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: runtime.app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info('listening', {
    event: 'server_started',
    url: `http://${config.host}:${port}`,
    dataDir: config.dataDir,
    storeEndpoint: runtime.store.endpoint,
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { event: 'server_stopping', signal });
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time', { event: 'server_forced_exit' });
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000);
    force.unref();
    // close() stops accepting and waits for in-flight requests; idle keep-alive sockets go now.
    server.close(async () => {
      await runtime.close();
      logger.info('stopped', { event: 'server_stopped' });
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  if (config.countStoreCalls) process.on('SIGUSR2', () => runtime.reportStoreCalls());
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * First start with no keys: create an admin key and print it once, on stderr and outside the JSON
 * log stream (a secret must never reach the logs). It is not stored anywhere in clear.
 */
async function bootstrapAdminKey(keyAdmin: KeyAdmin, bypass: boolean) {
  if (bypass || (await keyAdmin.hasAnyKey())) return;
  const created = await keyAdmin.createKey({ name: 'admin' });
  process.stderr.write(
    [
      '',
      'AgenticAI: no API keys existed, so an admin key was created. It is shown only this once; store it now.',
      '',
      `  X-API-Key: ${created.key}`,
      '',
      `  key id ${created.keyId}, client ${created.clientId}, ${created.hourlyLimit} requests/hour`,
      '  More keys: npx agenticai keys create --name NAME',
      '',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreBusyError) {
    process.stderr.write(`agenticai: ${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    process.stderr.write(
      `agenticai: port already in use (${(error as Error).message}); set PORT to another port\n`,
    );
  } else {
    process.stderr.write(
      `agenticai: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
