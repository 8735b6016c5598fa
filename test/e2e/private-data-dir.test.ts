import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startServer, tempDataDir } from '../support/server-process.ts';

const dirs: string[] = [];
async function dataDir() {
  const dir = await tempDataDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Every path under `root` (root included) whose permission bits are not owner-only. */
async function loosePaths(root: string): Promise<string[]> {
  const loose: string[] = [];
  const walk = async (path: string) => {
    const info = await lstat(path);
    const wanted = info.isDirectory() ? 0o700 : 0o600;
    if ((info.mode & 0o777) !== wanted) loose.push(`${path} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) for (const entry of await readdir(path)) await walk(join(path, entry));
  };
  await walk(root);
  return loose;
}

/** TCP ports a process listens on (Linux /proc: its socket inodes matched to listening entries). */
async function listeningTcpPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] local address (hex ip:port), cols[3] state (0A = LISTEN), cols[9] inode
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(Number.parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

const project = { name: 'Private', type: 'library', description: 'modes on disk' };

// Each test starts real server and CLI processes (several seconds each on a busy 2-core machine).
describe('private data dir (issue 19)', () => {
  it('directories 0700 and files 0600 after start, after CLI use with and without a server; a loose data dir is tightened', async () => {
    const dir = await dataDir();
    // A data dir left by an older version or a permissive umask.
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'artifacts', 'projects'), { recursive: true, mode: 0o755 });
    await writeFile(join(dir, 'artifacts', 'old.md'), 'old\n', { mode: 0o644 });
    await chmod(join(dir, 'artifacts', 'old.md'), 0o644);

    const server = await startServer({ AGENTICAI_DATA_DIR: dir });
    try {
      const key = server.bootstrapKey!;
      const created = await fetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(project),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      // Wait until the pipeline has written artifacts (files and directories of every stage).
      for (;;) {
        const res = await fetch(`${server.url}/api/projects/${id}`, { headers: { 'x-api-key': key } });
        const { status } = (await res.json()) as { status: string };
        if (status === 'completed' || status === 'failed') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const listed = await runCli(['keys', 'list', '--json'], { AGENTICAI_DATA_DIR: dir });
      expect(listed.code, listed.stderr).toBe(0);
      expect(await loosePaths(dir)).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // The CLI alone opens the store itself.
    const made = await runCli(['keys', 'create', '--name', 'offline', '--json'], { AGENTICAI_DATA_DIR: dir });
    expect(made.code, made.stderr).toBe(0);
    expect(await loosePaths(dir)).toEqual([]);
  }, 120_000);

  it('the embedded store listens only on a socket in the data dir: no TCP port but the API; the socket is owner-only', async () => {
    const dir = await dataDir();
    const server = await startServer({ AGENTICAI_DATA_DIR: dir });
    try {
      const record = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as { endpoint: string };
      expect(record.endpoint).toBe(`unix:${join(dir, 'store.sock')}`);
      const socket = await lstat(join(dir, 'store.sock'));
      expect(socket.isSocket()).toBe(true);
      expect(socket.mode & 0o777).toBe(0o600);
      expect((await lstat(dir)).mode & 0o777).toBe(0o700);

      const apiPort = Number(new URL(server.url).port);
      expect(await listeningTcpPorts(server.child.pid!)).toEqual([apiPort]);
      // The API port does not speak DynamoDB: without a key it answers 401.
      const probe = await fetch(server.url, {
        method: 'POST',
        headers: {
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'content-type': 'application/x-amz-json-1.0',
        },
        body: '{}',
      });
      expect(probe.status).toBe(401);
      // The socket itself answers its owner (this test runs as the data dir's owner).
      const reached = await new Promise<boolean>((resolve) => {
        const s = connect(join(dir, 'store.sock'), () => {
          s.end();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      expect(reached).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('a data dir too deep for a socket path puts the socket in a private temp dir, shared with the CLI and removed at stop', async () => {
    const dir = join(await dataDir(), 'a-rather-long-directory-name-'.repeat(4), 'data');
    const server = await startServer({ AGENTICAI_DATA_DIR: dir });
    let socketDir: string;
    try {
      const { endpoint } = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as {
        endpoint: string;
      };
      expect(endpoint).toMatch(new RegExp(`^unix:${tmpdir()}/agenticai-store-[^/]+/store\\.sock$`));
      socketDir = dirname(endpoint.slice('unix:'.length));
      expect((await lstat(socketDir)).mode & 0o777).toBe(0o700);
      const status = await runCli(['status', '--json'], { AGENTICAI_DATA_DIR: dir });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ serverRunning: true });
    } finally {
      expect(await server.stop()).toBe(0);
    }
    await expect(lstat(socketDir)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  // Needs root to act as another user; CI machines and this suite's reference machine run as root.
  it.skipIf(process.getuid?.() !== 0)(
    'another local user can neither connect to the store socket nor read the data dir',
    async () => {
      const dir = await dataDir();
      const server = await startServer({ AGENTICAI_DATA_DIR: dir });
      try {
        const probe = `
          const fs = require('node:fs'), net = require('node:net');
          const dir = process.argv[1], out = {};
          try { fs.readFileSync(dir + '/pepper.json'); out.pepper = 'read'; } catch (e) { out.pepper = e.code; }
          const s = net.connect(dir + '/store.sock');
          s.on('connect', () => { out.socket = 'connected'; console.log(JSON.stringify(out)); process.exit(0); });
          s.on('error', (e) => { out.socket = e.code; console.log(JSON.stringify(out)); });`;
        const child = spawn(process.execPath, ['-e', probe, dir], { uid: 65534, gid: 65534, cwd: '/' });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        await new Promise((r) => child.once('exit', r));
        expect(JSON.parse(out)).toEqual({ pepper: 'EACCES', socket: 'EACCES' });
      } finally {
        await server.stop();
      }
    },
    120_000,
  );

  it('the server and the CLI started at the same instant both succeed, or one says the store is in use (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = await dataDir();
      const env = { ...process.env, AGENTICAI_DATA_DIR: dir, PORT: '0', NODE_ENV: 'production' };
      const server = spawn(process.execPath, ['--import', 'tsx', 'src/entry/server.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      server.stdout!.on('data', (d) => {
        out += d;
      });
      server.stderr!.on('data', (d) => {
        err += d;
      });
      const serverExit = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
      const cli = await runCli(['keys', 'list', '--json'], { AGENTICAI_DATA_DIR: dir });
      const listening = await new Promise<boolean>((resolve) => {
        const timer = setInterval(() => {
          if (out.includes('"server_started"')) {
            clearInterval(timer);
            resolve(true);
          }
        }, 20);
        serverExit.then(() => {
          clearInterval(timer);
          resolve(out.includes('"server_started"'));
        });
      });
      if (listening) server.kill('SIGTERM');
      const code = await serverExit;

      for (const stderr of [cli.stderr, err]) {
        expect(stderr).not.toMatch(/Database is closed|\n\s+at /);
      }
      if (cli.code !== 0) expect(cli.stderr).toMatch(/in use by another process/);
      if (!listening) expect(err).toMatch(/in use by another process/);
      expect(cli.code === 0 || listening, `round ${round}: ${cli.stderr} ${err}`).toBe(true);
      if (listening) expect(code).toBe(0);
    }
  }, 300_000);
});
