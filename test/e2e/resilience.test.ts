import { execFileSync, spawn } from 'node:child_process';
import { open, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/domain/project.ts';
import { stageAnswer, startFakeBedrock } from '../support/fake-bedrock.ts';
import { ROOT, type ServerProcess, startServer, tempDataDir } from '../support/server-process.ts';

const dirs: string[] = [];
const mounts: string[] = [];
async function dataDir() {
  const dir = await tempDataDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A small real file system (tmpfs), which needs root; elsewhere the tests that need it are skipped. */
function mountTmpfs(dir: string, size: string) {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
}
const canMount = await (async () => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const dir = await dataDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir]);
    return true;
  } catch {
    return false;
  }
})();
/** The title of a test that needs a tmpfs, saying why when it is skipped. */
const tmpfsTitle = (title: string) =>
  canMount ? title : `${title} (skipped: mounting a small tmpfs needs root with CAP_SYS_ADMIN)`;

/** Fills the file system holding `dir` until the kernel says ENOSPC. */
async function fill(dir: string) {
  const file = await open(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await file.close();
  }
}

/**
 * Polls `check` until it returns a value. The bound only turns a hang into a failure: it is far
 * above what any step needs, and the tests' test timeouts are above it (several server starts).
 */
async function until<T>(check: () => Promise<T | undefined>, what: string, boundMs = 120_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const project = (name: string) => ({ name, type: 'api', description: 'resilience test' });
const api = (server: ServerProcess, key: string) => ({
  post: (body: unknown) =>
    fetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    }),
  get: (path: string) => fetch(`${server.url}${path}`, { headers: { 'x-api-key': key } }),
});

/** Sends raw bytes and returns everything the server writes before it closes the connection. */
function raw(url: string, bytes: string | Buffer): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
    socket.write(bytes);
  });
}

function parseRaw(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

function expectJsonError(response: string, status: number, code: string) {
  const parsed = parseRaw(response);
  expect(parsed.status).toBe(status);
  expect(parsed.headers['content-type']).toMatch(/application\/json/);
  expect(parsed.body.error.code).toBe(code);
  expect(parsed.headers['x-request-id']).toBe(parsed.body.error.requestId);
}

/** Runs `npm start`'s entry point to its exit (start-up failures). */
function runToExit(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise<{ code: number | null; stderr: string }>((r) =>
    child.once('exit', (code) => r({ code, stderr })),
  );
}

describe('issue 19: malformed HTTP and connection limits', () => {
  it('malformed requests get a JSON error with X-Request-Id; slow and idle connections are closed; the cap holds', async () => {
    const server = await startServer({
      AGENTICAI_DATA_DIR: await dataDir(),
      HTTP_HEADERS_TIMEOUT_SECONDS: '1',
      HTTP_REQUEST_TIMEOUT_SECONDS: '2',
      HTTP_MAX_CONNECTIONS: '5',
    });
    try {
      expectJsonError(await raw(server.url, 'NOT A REQUEST\r\n\r\n'), 400, 'bad_request');
      expectJsonError(
        await raw(server.url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
        431,
        'headers_too_large',
      );
      expectJsonError(await raw(server.url, 'GET /health HTTP/1.1\r\n\r\n'), 400, 'bad_request');
      // HTTP/1.0 may leave Host out.
      expect(
        await raw(server.url, `GET /health HTTP/1.0\r\nX-API-Key: ${server.bootstrapKey}\r\n\r\n`),
      ).toMatch(/^HTTP\/1\.1 200 /);
      // Headers that never finish: answered 408 when the headers timeout passes.
      expectJsonError(await raw(server.url, 'GET /health HTTP/1.1\r\nHost: x\r\n'), 408, 'request_timeout');
      // A body that never finishes: answered 408 when the request timeout passes.
      expectJsonError(
        await raw(
          server.url,
          `POST /api/projects HTTP/1.1\r\nHost: x\r\nX-API-Key: ${server.bootstrapKey}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`,
        ),
        408,
        'request_timeout',
      );

      // 20 connections that send nothing: over the cap they are closed at once, the rest time out.
      const idle = await Promise.all(Array.from({ length: 20 }, () => raw(server.url, '')));
      expect(idle).toHaveLength(20);
      const health = await fetch(`${server.url}/health`, { headers: { 'x-api-key': server.bootstrapKey! } });
      expect(health.status).toBe(200);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('out of file descriptors (ulimit -n 256, 600 idle connections): the server stays up and serves again by itself', async () => {
    const server = await startServer(
      {
        AGENTICAI_DATA_DIR: await dataDir(),
        HTTP_HEADERS_TIMEOUT_SECONDS: '1',
        // Above what the descriptors allow, so the kernel limit is what runs out.
        HTTP_MAX_CONNECTIONS: '1000',
      },
      { maxOpenFiles: 256 },
    );
    try {
      const { port } = new URL(server.url);
      const sockets = Array.from({ length: 600 }, () => {
        const socket = connect(Number(port), '127.0.0.1').resume();
        return new Promise<void>((r) => {
          socket.on('error', () => r());
          socket.on('close', () => r());
        });
      });
      // While they are open, requests get an answer or a refused connection, never a dead server.
      const during = await fetch(`${server.url}/health`, { headers: { 'x-api-key': server.bootstrapKey! } })
        .then((r) => r.status)
        .catch(() => 'refused');
      expect([200, 503, 'refused']).toContain(during);
      // The server closes them all (over the limit at once, the rest by the headers timeout).
      await Promise.all(sockets);
      expect(server.child.exitCode).toBeNull();
      const { post } = api(server, server.bootstrapKey!);
      const after = await until(async () => {
        const res = await post(project('after EMFILE')).catch(() => undefined);
        return res?.status === 202 ? res : undefined;
      }, 'a create to succeed once descriptors are free');
      expect(after.status).toBe(202);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it('SIGTERM answers every request already received, with Connection: close, and closes idle connections cleanly', async () => {
    const server = await startServer({ AGENTICAI_DATA_DIR: await dataDir() });
    const { port } = new URL(server.url);
    const body = JSON.stringify(project('Shutdown'));
    const open = async () => {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let out = '';
      socket.on('data', (d) => {
        out += d;
      });
      const closed = new Promise<string>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('close', () => resolve(out));
      });
      return { socket, closed, received: () => out };
    };
    // An idle keep-alive connection that has already been answered once.
    const idle = await open();
    idle.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-API-Key: ${server.bootstrapKey}\r\n\r\n`);
    await until(async () => (idle.received().endsWith('}') ? true : undefined), 'the first answer');
    // Five requests in flight: headers received (the server said 100 Continue), body not yet sent.
    const busy = await Promise.all(Array.from({ length: 5 }, open));
    for (const b of busy) {
      b.socket.write(
        `POST /api/projects HTTP/1.1\r\nHost: x\r\nX-API-Key: ${server.bootstrapKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
    }
    await until(
      async () => (busy.every((b) => b.received().includes('100 Continue')) ? true : undefined),
      'the requests to be received',
    );
    const exit = server.stop('SIGTERM');
    await until(
      async () => (server.logs().some((l) => l.event === 'server_stopping') ? true : undefined),
      'the server to start stopping',
    );
    for (const b of busy) b.socket.write(body);
    const answers = await Promise.all(busy.map((b) => b.closed));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202/);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    }
    expect(await idle.closed).toMatch(/^HTTP\/1\.1 200/);
    expect(await exit).toBe(0);
  }, 120_000);
});

describe('issue 19: start-up order', () => {
  it('a taken port, a bad HOST or an unusable data dir: one line, exit 1, and no admin key created', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const dir = await dataDir();
    try {
      const busy = await runToExit({ AGENTICAI_DATA_DIR: dir, PORT: String(taken) });
      expect(busy.code).toBe(1);
      expect(busy.stderr.trim().split('\n')).toEqual([expect.stringMatching(/port \d+ .*already in use/)]);
      expect(busy.stderr).not.toMatch(/X-API-Key/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    // The failed start created no key: the first start that listens prints one.
    const server = await startServer({ AGENTICAI_DATA_DIR: dir });
    expect(server.bootstrapKey).toMatch(/^agk_/);
    await server.stop();

    const badHost = await runToExit({ AGENTICAI_DATA_DIR: await dataDir(), HOST: 'not-a-host', PORT: '0' });
    expect(badHost.code).toBe(1);
    expect(badHost.stderr.trim().split('\n')).toEqual([expect.stringMatching(/HOST=not-a-host/)]);

    const file = join(await dataDir(), 'a-file');
    await writeFile(file, '');
    const unusable = await runToExit({ AGENTICAI_DATA_DIR: join(file, 'data'), PORT: '0' });
    expect(unusable.code).toBe(1);
    expect(unusable.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/data dir .* is not writable/),
    ]);
  }, 180_000);
});

describe('issue 19: running out of disk', () => {
  it.skipIf(!canMount)(
    tmpfsTitle(
      'a full disk is 503 + Retry-After, reads keep working, nothing acknowledged is lost, no stage attempt is spent, and it recovers by itself',
    ),
    async () => {
      const dir = await dataDir();
      mountTmpfs(dir, '16m');
      const server = await startServer({
        AGENTICAI_DATA_DIR: dir,
        // One attempt per stage: any outage counted as an attempt would fail the project.
        PIPELINE_MAX_ATTEMPTS: '1',
        RUNNING_PROJECTS: '1000',
        PROJECTS_PER_DAY: '1000',
        SWEEPER_INTERVAL_SECONDS: '1',
        SWEEPER_REQUEUE_AFTER_SECONDS: '2',
      });
      const { post, get } = api(server, server.bootstrapKey!);
      try {
        await fill(dir);
        const acknowledged: string[] = [];
        const unavailable: Response[] = [];
        for (let i = 0; i < 40; i++) {
          const res = await post(project(`full-${i}`));
          if (res.status === 202) acknowledged.push(((await res.json()) as Project).id);
          else {
            expect(res.status).toBe(503);
            unavailable.push(res);
          }
        }
        expect(unavailable.length).toBeGreaterThan(0);
        const first = unavailable[0]!;
        expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
        const body = (await first.json()) as { error: { code: string; requestId: string } };
        expect(body.error.code).toBe('service_unavailable');
        expect(first.headers.get('x-request-id')).toBe(body.error.requestId);
        // Reads are still served.
        expect((await get('/api/projects')).status).toBe(200);
        expect(server.child.exitCode).toBeNull();

        await rm(join(dir, 'filler'));
        const after = await until(async () => {
          const res = await post(project('after'));
          return res.status === 202 ? ((await res.json()) as Project) : undefined;
        }, 'a create to succeed once space is back');
        acknowledged.push(after.id);

        const finals = await Promise.all(
          acknowledged.map((id) =>
            until(async () => {
              const res = await get(`/api/projects/${id}`);
              expect(res.status).toBe(200);
              const p = (await res.json()) as Project;
              return p.status === 'completed' || p.status === 'failed' ? p : undefined;
            }, `project ${id} to finish`),
          ),
        );
        expect(finals.filter((p) => p.status === 'failed')).toEqual([]);
        for (const p of finals) {
          const artifacts = (await (await get(`/api/projects/${p.id}/artifacts`)).json()) as {
            items: { name: string; size: number }[];
          };
          expect(artifacts.items.length).toBeGreaterThanOrEqual(4);
          for (const a of artifacts.items) expect(a.size).toBeGreaterThan(0);
        }
        expect(server.child.exitCode).toBeNull();
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
    240_000,
  );
});

describe('issue 19: recovery after a crash', () => {
  it('after kill -9 mid-stage, a restart resumes the project at once, not after its lease', async () => {
    const fake = await startFakeBedrock();
    const dir = await dataDir();
    // A lease of 12 hours and no sweeper re-queue: only the release at start can resume the stage.
    const env = {
      AGENTICAI_DATA_DIR: dir,
      ...fake.env,
      PIPELINE_LEASE_SECONDS: '43200',
      SWEEPER_REQUEUE_AFTER_SECONDS: '86400',
    };
    try {
      const first = await startServer(env);
      const key = first.bootstrapKey!;
      const created = (await (await api(first, key).post(project('Crash'))).json()) as Project;
      await fake.nextCall(); // The PM stage is running and holds its lease.
      first.child.kill('SIGKILL');
      await first.stop();

      fake.answerAll(stageAnswer);
      const second = await startServer(env);
      try {
        const done = await until(async () => {
          const p = (await (await api(second, key).get(`/api/projects/${created.id}`)).json()) as Project;
          return p.status === 'completed' ? p : undefined;
        }, 'the project to complete after the restart');
        expect(done.history[0]).toMatchObject({ stage: 'pm', status: 'succeeded', attempts: 2 });
        // Warnings go to stderr.
        expect(second.stderr()).toMatch(/"event":"pipeline_resumed","leasesReleased":1/);
      } finally {
        await second.stop();
      }
    } finally {
      await fake.close();
    }
  }, 180_000);
});
