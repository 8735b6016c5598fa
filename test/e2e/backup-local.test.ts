import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer, tempDataDir } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

type Project = { id: string; clientId: string; status: string };
type Artifact = { name: string; stage: string; size: number; createdAt: string };

const api = (server: ServerProcess, key: string, path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
  });

/** Everything a client sees: its projects, and each project's artifacts with their content. */
async function snapshot(server: ServerProcess, key: string) {
  const { items } = (await (await api(server, key, '/api/projects')).json()) as { items: Project[] };
  const projects = [];
  for (const p of items.sort((a, b) => a.id.localeCompare(b.id))) {
    const full = await (await api(server, key, `/api/projects/${p.id}`)).json();
    const artifacts = (
      (await (await api(server, key, `/api/projects/${p.id}/artifacts`)).json()) as {
        items: Artifact[];
      }
    ).items;
    const contents = [];
    for (const a of artifacts)
      contents.push(await (await api(server, key, `/api/projects/${p.id}/artifacts/${a.name}`)).text());
    projects.push({ full, artifacts, contents });
  }
  return projects;
}

async function modes(dir: string): Promise<string[]> {
  const bad: string[] = [];
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const mode = (await stat(path)).mode & 0o777;
      if (mode & 0o077) bad.push(`${path} ${mode.toString(8)}`);
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
  return bad;
}

describe('agenticai backup create|list|restore (local mode)', () => {
  it('R7.5 a backup taken while the server runs restores losslessly: projects, artifacts, keys', async () => {
    const dataDir = await tempDataDir();
    const elsewhere = await mkdtemp(join(tmpdir(), 'agenticai-backups-'));
    dirs.push(dataDir, elsewhere);
    const env = { AGENTICAI_DATA_DIR: dataDir };
    const backupDir = join(elsewhere, 'b1');

    let server = await startServer(env);
    let before: Awaited<ReturnType<typeof snapshot>>;
    let beforeAdmin: Awaited<ReturnType<typeof snapshot>>;
    let clientKey: string;
    const adminKey = server.bootstrapKey!;
    try {
      const created = await runCli(['keys', 'create', '--name', 'backup-client', '--json'], env);
      expect(created.code).toBe(0);
      clientKey = (JSON.parse(created.stdout) as { key: string }).key;
      for (const [key, name] of [
        [adminKey, 'Shop'],
        [clientKey, 'Blog'],
        [clientKey, 'CRM'],
      ] as const) {
        const res = await api(server, key, '/api/projects', {
          method: 'POST',
          body: JSON.stringify({ name, type: 'web', description: `A ${name}` }),
        });
        expect(res.status).toBe(202);
      }
      for (const key of [adminKey, clientKey])
        await waitFor(async () => {
          const { items } = (await (await api(server, key, '/api/projects')).json()) as { items: Project[] };
          return items.length > 0 && items.every((p) => p.status === 'completed') ? true : undefined;
        });
      before = await snapshot(server, clientKey);
      beforeAdmin = await snapshot(server, adminKey);
      expect(before).toHaveLength(2);
      expect(before.every((p) => p.artifacts.length >= 4)).toBe(true);

      // While the server runs.
      const made = await runCli(['backup', 'create', '--to', backupDir, '--json'], env);
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      const manifest = JSON.parse(made.stdout) as { artifacts: number; tables: { data: { items: number } } };
      expect(manifest.artifacts).toBe(
        [...before, ...beforeAdmin].reduce((n, p) => n + p.artifacts.length, 0),
      );
      expect(await modes(backupDir)).toEqual([]);

      // A second backup in the default place, listed by `backup list`.
      expect((await runCli(['backup', 'create'], env)).code).toBe(0);
      const listed = await runCli(['backup', 'list', '--json'], env);
      expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(1);
      const listedElsewhere = await runCli(['backup', 'list', '--in', elsewhere, '--json'], env);
      expect((JSON.parse(listedElsewhere.stdout) as { id: string }[]).map((b) => b.id)).toEqual(['b1']);

      // Restore refuses while the server holds the data dir, and changes nothing.
      const refused = await runCli(['backup', 'restore', backupDir], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/in use .*stop the server/);
    } finally {
      await server.stop();
    }

    // Disaster: the data dir is gone.
    await rm(dataDir, { recursive: true, force: true });
    const restored = await runCli(['backup', 'restore', backupDir, '--json'], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ replaced: null });
    expect(await modes(dataDir)).toEqual([]);

    server = await startServer(env);
    try {
      expect(server.bootstrapKey).toBeUndefined(); // the keys came back: no new admin key
      expect(await snapshot(server, clientKey)).toEqual(before);
      expect(await snapshot(server, adminKey)).toEqual(beforeAdmin);
      expect((await api(server, 'agk_nope_nope', '/api/projects')).status).toBe(403);
    } finally {
      await server.stop();
    }

    // Restoring over an existing data dir keeps the replaced one aside.
    const again = await runCli(['backup', 'restore', backupDir, '--json'], env);
    expect(again.code).toBe(0);
    const { replaced } = JSON.parse(again.stdout) as { replaced: string };
    dirs.push(replaced);
    expect((await stat(join(replaced, 'pepper.json'))).isFile()).toBe(true);
  });

  it('R7.5 a damaged or missing backup is refused with a clear message and the data dir untouched', async () => {
    const dataDir = await tempDataDir();
    dirs.push(dataDir);
    const env = { AGENTICAI_DATA_DIR: dataDir };
    const missing = await runCli(['backup', 'restore', join(dataDir, 'nothing-here')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/is not a backup \(no manifest.json\)/);

    const made = await runCli(['backup', 'create', '--json'], env);
    expect(made.code).toBe(0);
    const { dir } = JSON.parse(made.stdout) as { dir: string };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'store.jsonl'), 'tampered\n');
    const damaged = await runCli(['backup', 'restore', dir], env);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/damaged: store.jsonl does not match its sha256/);
    expect((await readdir(join(dataDir, '..'))).some((n) => n.includes('.restoring-'))).toBe(false);

    const wrongEnv = await runCli(['backup', 'create', '--env', 'staging'], env);
    expect(wrongEnv.code).toBe(2);
  });
});
