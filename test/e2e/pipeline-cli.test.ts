import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDataDir } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

type Project = { id: string; clientId: string; status: string; failure?: { stage: string; reason: string } };

describe('pipeline over real HTTP and the projects/dlq CLI', () => {
  it('npm start: a project created over HTTP reaches completed with four stages of artifacts', async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    const server = await startServer({ AGENTICAI_DATA_DIR: dir });
    try {
      const headers = {
        'x-api-key': server.bootstrapKey!,
        'content-type': 'application/json',
        'x-correlation-id': 'e2e-flow',
      };
      const created = (await (
        await fetch(`${server.url}/api/projects`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Shop', type: 'web', description: 'An online shop' }),
        })
      ).json()) as Project;
      const done = await waitFor(async () => {
        const p = (await (
          await fetch(`${server.url}/api/projects/${created.id}`, { headers })
        ).json()) as Project;
        return p.status === 'completed' ? p : undefined;
      });
      expect(done.status).toBe('completed');
      const { items } = (await (
        await fetch(`${server.url}/api/projects/${created.id}/artifacts`, { headers })
      ).json()) as {
        items: { stage: string }[];
      };
      expect(new Set(items.map((a) => a.stage))).toEqual(new Set(['pm', 'dev', 'qa', 'ops']));
      // The correlation id travels with the stage messages into the workers' logs.
      // (The last line may still be in the pipe when the status says completed: wait for it.)
      const stageLogs = await waitFor(async () => {
        const lines = server.logs().filter((l) => l.event === 'stage_completed');
        return lines.length >= 4 ? lines : undefined;
      });
      expect(stageLogs.map((l) => l.stage)).toEqual(['pm', 'dev', 'qa', 'ops']);
      expect(stageLogs.every((l) => l.correlationId === 'e2e-flow' && l.projectId === created.id)).toBe(true);

      const listed = await runCli(['projects', 'list', '--json'], { AGENTICAI_DATA_DIR: dir });
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as Project[]).map((p) => [p.id, p.status])).toEqual([
        [created.id, 'completed'],
      ]);
      const shown = await runCli(['projects', 'show', created.id, '--client', created.clientId], {
        AGENTICAI_DATA_DIR: dir,
      });
      expect(shown.stdout).toMatch(/completed/);
      expect(shown.stdout).toMatch(/template:v1/);
      const notFailed = await runCli(['projects', 'retry', created.id, '--client', created.clientId], {
        AGENTICAI_DATA_DIR: dir,
      });
      expect(notFailed.code).toBe(1);
      expect(notFailed.stderr).toMatch(/is completed, not failed/);
    } finally {
      await server.stop();
    }
  });

  it('a failing model: the project fails after 3 attempts, its message is in the DLQ; retry and redrive work', async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    // Bedrock with no region configured fails every call: a real provider failure, offline.
    const server = await startServer({
      AGENTICAI_DATA_DIR: dir,
      MODEL_PROVIDER: 'bedrock',
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_CONFIG_FILE: '/nonexistent',
    });
    const env = { AGENTICAI_DATA_DIR: dir };
    try {
      const headers = { 'x-api-key': server.bootstrapKey!, 'content-type': 'application/json' };
      const created = (await (
        await fetch(`${server.url}/api/projects`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Doomed', type: 'cli', description: 'x' }),
        })
      ).json()) as Project;
      const failed = await waitFor(async () => {
        const p = (await (
          await fetch(`${server.url}/api/projects/${created.id}`, { headers })
        ).json()) as Project;
        return p.status === 'failed' ? p : undefined;
      });
      expect(failed.failure?.stage).toBe('pm');
      expect(failed.failure?.reason).toMatch(/[Rr]egion/);

      const counts = await waitFor(async () => {
        const res = await runCli(['dlq', 'list', '--json'], env);
        const parsed = JSON.parse(res.stdout) as Record<string, number>;
        return parsed.pm === 1 ? parsed : undefined;
      });
      expect(counts).toEqual({ pm: 1, dev: 0, qa: 0, ops: 0 });
      const dead = JSON.parse((await runCli(['dlq', 'list', 'pm', '--json'], env)).stdout) as {
        body: { projectId: string };
        receiveCount: number;
      }[];
      expect(dead).toMatchObject([{ body: { projectId: created.id }, receiveCount: 3 }]);

      const retried = await runCli(['projects', 'retry', created.id, '--client', created.clientId], env);
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toMatch(/Re-queued .* at stage pm/);
      const unknown = await runCli(
        ['projects', 'retry', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--client', created.clientId],
        env,
      );
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/does not exist/);

      // The retried project fails again (the model still fails): wait for its second dead letter, so
      // what the redrive moves does not depend on how fast the retries ran.
      await waitFor(async () => {
        const parsed = JSON.parse((await runCli(['dlq', 'list', '--json'], env)).stdout) as Record<
          string,
          number
        >;
        return parsed.pm === 2 ? true : undefined;
      });
      const redriven = await runCli(['dlq', 'redrive', 'pm'], env);
      expect(redriven.code).toBe(0);
      // Redriven letters of a failed project are acknowledged without running the stage again.
      expect(redriven.stdout).toMatch(/moved 2 message\(s\) back to the pm queue/);
      await waitFor(async () => {
        const parsed = JSON.parse((await runCli(['dlq', 'list', '--json'], env)).stdout) as Record<
          string,
          number
        >;
        return parsed.pm === 0 ? true : undefined;
      });
      expect((await runCli(['dlq', 'list', 'nope'], env)).code).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
