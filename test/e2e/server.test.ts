import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startServer, tempDataDir } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

const dirs: string[] = [];
async function dataDir() {
  const dir = await tempDataDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const project = { name: 'E2E', type: 'library', description: 'end to end' };
const post = (url: string, key: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/projects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
    body: JSON.stringify(body),
  });
const get = (url: string, key: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });

describe('local server (npm start) over real HTTP', () => {
  it('serves every route on loopback and logs one JSON access line per request (R9.1)', async () => {
    const server = await startServer({ AGENTICAI_DATA_DIR: await dataDir() });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const key = server.bootstrapKey!;
      expect(key).toMatch(/^agk_/);
      expect((await get(`${server.url}/health`, key)).status).toBe(200);
      const created = await post(server.url, key, project, { 'x-correlation-id': 'e2e-corr' });
      expect(created.status).toBe(202);
      const { id, clientId } = (await created.json()) as { id: string; clientId: string };
      expect((await get(`${server.url}/api/projects`, key)).status).toBe(200);
      expect((await get(`${server.url}/api/projects/${id}`, key)).status).toBe(200);
      expect((await get(`${server.url}/api/projects/${id}/artifacts`, key)).status).toBe(200);
      expect((await get(`${server.url}/api/projects/${id}/artifacts/none.md`, key)).status).toBe(404);
      expect((await get(`${server.url}/openapi.json`, key)).status).toBe(200);
      expect((await get(`${server.url}/api/projects`, key, { method: 'PATCH' })).status).toBe(405);
      expect((await post(server.url, key, { bad: true })).status).toBe(400);
      expect((await fetch(`${server.url}/health`)).status).toBe(401);

      // The last access line may still be on its way through the pipe: wait for it, not a fixed time.
      const access = await waitFor(async () => {
        const lines = server.logs().filter((l) => l.event === 'request');
        return lines.length >= 10 ? lines : undefined;
      });
      expect(access).toHaveLength(10);
      expect(access[1]).toMatchObject({
        level: 'INFO',
        method: 'POST',
        route: '/api/projects',
        status: 202,
        correlationId: 'e2e-corr',
        clientId,
        keyId: key.split('_')[1],
        sourceIp: '127.0.0.1',
        requestId: expect.any(String),
        timestamp: expect.any(String),
        latencyMs: expect.any(Number),
      });
      // R1.5: each attempt's result is in its request's one access line, with the caller's address.
      expect(server.logs().filter((l) => l.event === 'auth')).toHaveLength(0);
      expect(access.at(-1)).toMatchObject({ auth: 'missing', status: 401, sourceIp: '127.0.0.1' });
      expect(access[0]).toMatchObject({ auth: 'valid', keyId: key.split('_')[1], sourceIp: '127.0.0.1' });
      // Every stdout line is structured JSON, and the secret appears in none of them (R1.5).
      expect(server.lines().every((l) => l.startsWith('{'))).toBe(true);
      expect(server.lines().join('\n')).not.toContain(key.split('_')[2]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('survives a restart with its data', async () => {
    const dir = await dataDir();
    const first = await startServer({ AGENTICAI_DATA_DIR: dir });
    const key = first.bootstrapKey!;
    const { id } = (await (await post(first.url, key, project)).json()) as { id: string };
    await first.stop();
    const second = await startServer({ AGENTICAI_DATA_DIR: dir });
    try {
      // The admin key is printed on the first start only, and keeps working after a restart.
      expect(second.bootstrapKey).toBeUndefined();
      expect(second.stderr()).not.toContain('agk_');
      const res = await get(`${second.url}/api/projects/${id}`, key);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id, name: 'E2E' });
    } finally {
      await second.stop();
    }
  });

  it('graceful shutdown: SIGTERM finishes an in-flight request, then exits 0', async () => {
    const server = await startServer({ AGENTICAI_DATA_DIR: await dataDir() });
    const { port } = new URL(server.url);
    const body = JSON.stringify(project);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let response = '';
    socket.on('data', (d) => {
      response += d;
    });
    const closed = new Promise((r) => socket.once('close', r));
    // Headers and half the body now; the request is in flight when the signal arrives.
    socket.write(
      `POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${server.bootstrapKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const exit = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.slice(10));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 202/);
    expect(await exit).toBe(0);
    expect(server.logs().map((l) => l.event)).toEqual(
      expect.arrayContaining(['server_stopping', 'server_stopped']),
    );
  });

  it('a second server on the same data dir fails with a clear message', async () => {
    const dir = await dataDir();
    const first = await startServer({ AGENTICAI_DATA_DIR: dir });
    try {
      await expect(startServer({ AGENTICAI_DATA_DIR: dir })).rejects.toThrow(/in use by another process/);
    } finally {
      await first.stop();
    }
  });

  it('invalid configuration: exit 1 with a message naming the variable, no stack trace', async () => {
    const child = spawn(process.execPath, ['bin/agenticai-server.mjs'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'eighty', AGENTICAI_DATA_DIR: await dataDir() },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((r) => child.once('close', r));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('agenticai CLI against the local instance', () => {
  it('status works without a running server, and finds a running one', async () => {
    const dir = await dataDir();
    const offline = await runCli(['--json', 'status'], { AGENTICAI_DATA_DIR: dir });
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ serverRunning: false });

    const server = await startServer({ AGENTICAI_DATA_DIR: dir });
    try {
      const online = await runCli(['status', '--json'], { AGENTICAI_DATA_DIR: dir });
      expect(online.code).toBe(0);
      expect(JSON.parse(online.stdout)).toMatchObject({
        serverRunning: true,
        serverPid: server.child.pid,
        tables: ['agenticai-local-counters', 'agenticai-local-data', 'agenticai-local-queues'],
      });
    } finally {
      await server.stop();
    }
  });

  it('--help and --version exit 0; unknown commands and options exit 2 with a hint', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: agenticai/);
    const version = await runCli(['--version'], {});
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const args of [['frobnicate'], ['status', '--nope']]) {
      const bad = await runCli(args, {});
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--help/);
    }
  });

  it('invalid configuration is a clear error with exit 1', async () => {
    const res = await runCli(['status'], { AGENTICAI_ENV: 'nowhere' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/AGENTICAI_ENV/);
  });
});
