import { afterEach, describe, expect, it } from 'vitest';
import { DynamoRunningSlots } from '../../src/adapters/aws/running-slots.ts';
import { loadConfig } from '../../src/config.ts';
import { newProjectId } from '../../src/domain/ids.ts';
import type { Project } from '../../src/domain/project.ts';
import {
  jsonPost,
  manualClock,
  serveOverHttp,
  startTestRuntime,
  type TestRuntime,
  waitFor,
} from '../support/local-app.ts';

const runtimes: TestRuntime[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const rt of runtimes.splice(0)) await rt.close();
});

async function runtime(opts: Parameters<typeof startTestRuntime>[0]) {
  const rt = await startTestRuntime(opts);
  runtimes.push(rt);
  const slots = new DynamoRunningSlots(rt.db, loadConfig({ AGENTICAI_DATA_DIR: rt.dataDir }).dataTableName);
  return { rt, slots };
}

const body = (name: string) => ({ name, type: 'api', description: 'A todo REST API' });

/** `n` simultaneous POST /api/projects over real HTTP; the statuses and the admitted ids. */
async function burst(url: string, key: string, n: number) {
  const responses = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/api/projects`, {
        ...jsonPost(body(`burst ${i}`)),
        headers: { 'content-type': 'application/json', 'x-api-key': key },
      }),
    ),
  );
  const admitted: string[] = [];
  const refused: string[] = [];
  for (const res of responses) {
    const json = (await res.json()) as { id?: string; error?: { code: string } };
    if (res.status === 202) admitted.push(json.id!);
    else refused.push(`${res.status} ${json.error?.code}`);
  }
  return { admitted, refused };
}

const statusOf = async (rt: TestRuntime, id: string) =>
  ((await (await rt.request(`/api/projects/${id}`)).json()) as Project).status;

describe('running-projects cap (issue 19: exact under concurrency)', () => {
  it('100 concurrent POSTs with a cap of 5 admit exactly 5 (the rest 429); once they finish new ones are admitted, and the daily cap stays exact', async () => {
    const { rt, slots } = await runtime({
      workers: false,
      env: { RUNNING_PROJECTS: '5', PROJECTS_PER_DAY: '7' },
    });
    const http = await serveOverHttp(rt);
    closers.push(http.close);

    const first = await burst(http.url, rt.apiKey, 100);
    expect(first.admitted).toHaveLength(5);
    expect(first.refused).toEqual(Array(95).fill('429 project_quota_exceeded'));
    expect(await slots.held(rt.clientId)).toEqual([...first.admitted].sort());

    // The workers run the five to completion; each gives its slot back.
    rt.queue.start(rt.deliver);
    for (const id of first.admitted)
      await waitFor(async () => ((await statusOf(rt, id)) === 'completed' ? true : undefined), 120_000);
    expect(await slots.held(rt.clientId)).toEqual([]);

    // Slots are free again, but only 2 of today's 7 remain: exactly 2 more are admitted.
    const second = await burst(http.url, rt.apiKey, 100);
    expect(second.admitted).toHaveLength(2);
    expect(second.refused).toEqual(Array(98).fill('429 project_quota_exceeded'));
  }, 180_000);

  it('a slot taken for a project that was never written (crash after admission) is reclaimed after the grace period', async () => {
    // Project ids are monotonic ULIDs: one minted by an earlier test at real time T is never older
    // than T, so this clock starts a day after the real now (a fixed date would be in the past some day).
    const clock = manualClock(new Date(Date.now() + 86_400_000).toISOString());
    const { rt, slots } = await runtime({ workers: false, clock, env: { RUNNING_PROJECTS: '1' } });
    const lost = newProjectId(clock.now());
    await slots.hold(rt.clientId, lost);

    expect((await rt.request('/api/projects', jsonPost(body('a')))).status).toBe(429);
    clock.advance(59_999);
    expect((await rt.request('/api/projects', jsonPost(body('b')))).status).toBe(429);
    clock.advance(1);
    const res = await rt.request('/api/projects', jsonPost(body('c')));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Project;
    expect(await slots.held(rt.clientId)).toEqual([id]);
  });

  it('a finished project whose release was lost is reclaimed; releases are idempotent, so duplicates never uncount another project', async () => {
    const { rt, slots } = await runtime({ env: { RUNNING_PROJECTS: '1' } });
    const done = (await (await rt.request('/api/projects', jsonPost(body('a')))).json()) as Project;
    await waitFor(async () => ((await statusOf(rt, done.id)) === 'completed' ? true : undefined), 60_000);
    expect(await slots.held(rt.clientId)).toEqual([]);

    // The release after the last stage was lost (process died between the two writes).
    await slots.hold(rt.clientId, done.id);
    const res = await rt.request('/api/projects', jsonPost(body('b')));
    expect(res.status).toBe(202);
    const next = (await res.json()) as Project;
    expect(await slots.held(rt.clientId)).toEqual([next.id]);
    // A duplicate release of the finished project changes nothing.
    expect(await slots.release(rt.clientId, done.id)).toBe(false);
    expect(await slots.held(rt.clientId)).toEqual([next.id]);
  }, 120_000);

  it('a failed project frees its slot; `retry` counts it again', async () => {
    const failing = {
      generate: async () => {
        throw Object.assign(new Error('model down'), { name: 'ModelError' });
      },
    };
    const { rt, slots } = await runtime({
      model: failing,
      env: { RUNNING_PROJECTS: '1', PIPELINE_MAX_ATTEMPTS: '1' },
    });
    const created = (await (await rt.request('/api/projects', jsonPost(body('a')))).json()) as Project;
    await waitFor(async () => ((await statusOf(rt, created.id)) === 'failed' ? true : undefined), 60_000);
    // The slot is given back just after the failed status is saved.
    await waitFor(async () => ((await slots.held(rt.clientId)).length === 0 ? true : undefined), 60_000);
    await rt.queue.stop();
    const retried = await rt.pipeline.retry(rt.clientId, created.id, 'test-retry');
    expect(retried.outcome).toBe('requeued');
    expect(await slots.held(rt.clientId)).toEqual([created.id]);
    expect((await rt.request('/api/projects', jsonPost(body('b')))).status).toBe(429);
  }, 120_000);

  it('concurrent requests with one Idempotency-Key create one project and hold one slot', async () => {
    const { rt, slots } = await runtime({ workers: false, env: { RUNNING_PROJECTS: '3' } });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        rt.request('/api/projects', jsonPost(body('same'), { 'idempotency-key': 'one-key' })),
      ),
    );
    const ids = new Set<string>();
    for (const res of responses) {
      expect([202, 200, 429]).toContain(res.status);
      if (res.status !== 429) ids.add(((await res.json()) as Project).id);
    }
    expect(ids.size).toBe(1);
    expect(await slots.held(rt.clientId)).toEqual([...ids]);
  });
});
