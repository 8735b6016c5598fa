import '../local-env.ts';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { StoreBusyError } from '../adapters/local/embedded-dynamo.ts';
import type { KeyAdmin } from '../app/key-admin.ts';
import type { Logger } from '../app/logger.ts';
import { createLocalRuntime, type LocalRuntime } from '../composition/local.ts';
import { ConfigError, loadConfig, type RuntimeConfig } from '../config.ts';
import { errorBody, rawErrorResponse } from '../http/errors.ts';

/** A start-up failure the user can fix; printed as one line, without a stack trace. */
class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** File-system errors that mean "this data dir cannot be used", whatever the operation. */
const DATA_DIR_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EDQUOT', 'EIO']);

/**
 * Local entry point: `npm start`. Order matters: validate the configuration, open the store,
 * listen, and only then create the one-time admin key, so a start that fails (port taken, bad
 * HOST, unusable data dir) never prints a key nobody can use.
 */
async function main() {
  const config = loadConfig();
  await checkDataDir(config.dataDir);
  const runtime = await createLocalRuntime(config);
  const { logger } = runtime;

  let server: Server;
  try {
    server = await listen(config, runtime);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const adminKeyCreated = await bootstrapAdminKey(runtime.keyAdmin, config.bypassHardening);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info('listening', {
    event: 'server_started',
    url: `http://${config.host}:${port}`,
    dataDir: config.dataDir,
    storeEndpoint: runtime.store.endpoint,
    adminKeyCreated,
  });
  if (config.countStoreCalls) process.on('SIGUSR2', () => runtime.reportStoreCalls());
}

/** Fails early, with one line, when the data dir cannot be created or written. */
async function checkDataDir(dataDir: string) {
  const probe = join(dataDir, `.write-test-${process.pid}`);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code || !DATA_DIR_CODES.has(code)) throw error;
    throw new StartupError(
      `the data dir ${dataDir} is not writable (${code}); set AGENTICAI_DATA_DIR to a writable directory`,
    );
  }
}

let stopping = false;
/** Responses under way, so shutdown can end their connections once they are answered. */
const open = new Set<ServerResponse>();
/** Open connections, and those of them that have not sent a request yet (nothing to answer). */
const connections = new Set<Socket>();
const silent = new Set<Socket>();
/**
 * At shutdown, how long an idle keep-alive connection stays open for a request its client may
 * already have sent: long enough for bytes in flight, short enough not to hold the exit.
 */
const SHUTDOWN_IDLE_GRACE_MS = 1000;

/**
 * The HTTP server around the app, with Node's limits made explicit: header, request and
 * keep-alive timeouts and a connection cap bound what idle or slow clients can hold; malformed
 * requests Node rejects itself still get the API's JSON error with a request id.
 */
function listen(config: RuntimeConfig, runtime: LocalRuntime): Promise<Server> {
  const { logger } = runtime;
  const app = getRequestListener(runtime.app.fetch);
  const server = createServer(
    {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      // Timeouts are enforced when connections are checked; check often enough to be meaningful.
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
      // Answered below with the API's JSON error instead of Node's empty 400.
      requireHostHeader: false,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      silent.delete(req.socket);
      open.add(res);
      res.once('close', () => open.delete(res));
      // While stopping, every answer closes its connection.
      if (stopping) res.shouldKeepAlive = false;
      if (!req.headers.host) {
        // HTTP/1.0 may omit Host (RFC 9112 §3.2 requires it from 1.1 on): route it as our own.
        if (req.httpVersion === '1.0') req.headers.host = 'localhost';
        else {
          const requestId = randomUUID();
          const body = JSON.stringify(errorBody('bad_request', 'the Host header is required', requestId));
          res.writeHead(400, {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'X-Request-Id': requestId,
            Connection: 'close',
          });
          res.end(body);
          return;
        }
      }
      void app(req, res);
    },
  );
  server.maxConnections = config.http.maxConnections;
  // Node's headers timeout starts with the first byte of a request; a connection that never
  // sends one would be held forever. Close it after the same time.
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    silent.add(socket);
    const timer = setTimeout(() => {
      if (silent.has(socket) && socket.bytesRead === 0) socket.destroy();
    }, config.http.headersTimeoutMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      connections.delete(socket);
      silent.delete(socket);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket, logger),
  );

  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, config));
    server.once('error', failed);
    server.listen(config.port, config.host, () => {
      server.off('error', failed);
      // After listening, errors are per connection (EMFILE on accept): log them, keep serving.
      server.on('error', (error) => logger.error('server error', { event: 'server_error', error }));
      installShutdown(server, config, runtime);
      resolve(server);
    });
  });
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket, logger: Logger) {
  const inProgress = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ([431, 'headers_too_large', 'request headers are too large'] as const)
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ([408, 'request_timeout', 'the request was not received in time'] as const)
        : ([400, 'bad_request', 'malformed HTTP request'] as const);
  logger.info('malformed request', { event: 'client_error', requestId, status, reason: error.code });
  socket.end(rawErrorResponse(status, code, message, requestId));
}

function listenError(error: NodeJS.ErrnoException, config: RuntimeConfig): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${config.port} on ${config.host} is already in use; set PORT to another port`,
      );
    case 'EACCES':
      return new StartupError(`not allowed to listen on port ${config.port}; set PORT to a port above 1023`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EADDRNOTAVAIL':
      return new StartupError(
        `HOST=${config.host} is not an address of this machine (${error.code}); set HOST to one, e.g. 127.0.0.1`,
      );
    default:
      return error;
  }
}

/**
 * SIGTERM/SIGINT: stop accepting connections and answer every request already received. Node's
 * own server.close() drops idle keep-alive connections at once, which resets a request a client
 * has just sent on one (its bytes arrived but were not read yet). Instead, every answer from now
 * on closes its connection, idle keep-alive connections close after a short grace (a request
 * arriving in it is answered), and connections that never sent a byte close at once. The process
 * exits when the last connection is gone.
 */
function installShutdown(server: Server, config: RuntimeConfig, runtime: LocalRuntime) {
  const { logger } = runtime;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { event: 'server_stopping', signal });
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time', { event: 'server_forced_exit' });
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000);
    force.unref();
    for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
    NetServer.prototype.close.call(server, async () => {
      await runtime.close();
      logger.info('stopped', { event: 'server_stopped' });
      process.exit(0);
    });
    // After this turn has read whatever already arrived, a connection still silent has nothing to
    // answer; an idle keep-alive one gets a short grace (a request arriving in it is answered and
    // clears the timer; Node closes the connection when it passes).
    setImmediate(() => {
      const busy = new Set([...open].map((res) => res.socket));
      for (const socket of connections) {
        if (silent.has(socket) && socket.bytesRead === 0) socket.destroy();
        else if (!busy.has(socket))
          socket.setTimeout(Math.min(SHUTDOWN_IDLE_GRACE_MS, config.http.keepAliveTimeoutMs));
      }
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * First start with no keys: create an admin key and print it once, on stderr and outside the JSON
 * log stream (a secret must never reach the logs). It is not stored anywhere in clear.
 */
async function bootstrapAdminKey(keyAdmin: KeyAdmin, bypass: boolean): Promise<boolean> {
  if (bypass || (await keyAdmin.hasAnyKey())) return false;
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
  return true;
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (error instanceof ConfigError || error instanceof StoreBusyError || error instanceof StartupError) {
    process.stderr.write(`agenticai: ${error.message}\n`);
  } else if (code && DATA_DIR_CODES.has(code)) {
    process.stderr.write(`agenticai: cannot use the data dir: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(
      `agenticai: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
