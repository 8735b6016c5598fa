import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEMPLATE_BANNER, TemplateModelProvider } from '../../src/adapters/local/template-model.ts';
import type { ModelContext, ModelProvider } from '../../src/app/ports.ts';
import { loadConfig } from '../../src/config.ts';
import { newProjectId } from '../../src/domain/ids.ts';
import type { Project, Stage } from '../../src/domain/project.ts';
import { newProject } from '../../src/domain/project.ts';
import {
  captureMetrics,
  jsonPost,
  manualClock,
  startTestRuntime,
  type TestRuntime,
  waitFor,
} from '../support/local-app.ts';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close();
});
async function runtime(opts: Parameters<typeof startTestRuntime>[0] = {}) {
  const rt = await startTestRuntime({
    ...opts,
    env: { RUNNING_PROJECTS: '1000', PROJECTS_PER_DAY: '1000', ...opts.env },
  });
  runtimes.push(rt);
  return rt;
}

const template = new TemplateModelProvider();
/** A model that answers like the template but lets a test decide per stage call. */
function scriptedModel(
  decide: (stage: Stage, call: number) => 'ok' | 'fail' | 'changes',
): ModelProvider & { calls: Stage[] } {
  const calls: Stage[] = [];
  return {
    calls,
    async generate(stage: Stage, prompt: string, context: ModelContext) {
      calls.push(stage);
      const decision = decide(stage, calls.filter((s) => s === stage).length);
      if (decision === 'fail')
        throw Object.assign(new Error(`model unavailable for ${stage}`), { name: 'ModelError' });
      const result = await template.generate(stage, prompt, context);
      if (decision === 'changes')
        result.text = result.text.replace(
          'VERDICT: PASS',
          'VERDICT: CHANGES_REQUESTED\n- add input validation',
        );
      return result;
    },
  };
}

async function create(rt: TestRuntime, name = 'Todo API', headers: Record<string, string> = {}) {
  const res = await rt.request(
    '/api/projects',
    jsonPost({ name, type: 'api', description: 'A todo REST API' }, headers),
  );
  expect(res.status).toBe(202);
  return (await res.json()) as Project;
}

async function until(rt: TestRuntime, id: string, statuses: string[]) {
  return waitFor(
    async () => {
      const project = (await (await rt.request(`/api/projects/${id}`)).json()) as Project;
      return statuses.includes(project.status) ? project : undefined;
    },
    undefined,
    `project ${id} to reach ${statuses.join('/')}`,
  );
}

describe('agent pipeline (local mode)', () => {
  it('a project goes PM → Dev → QA → Ops → completed, with every stage’s artifacts readable over the API', async () => {
    const metrics = captureMetrics();
    const rt = await runtime({ metrics });
    const created = await create(rt, 'Todo API', { 'x-correlation-id': 'corr-pipeline' });
    expect(created.status).toBe('queued');
    const done = await until(rt, created.id, ['completed']);
    expect(done.history.map((h) => [h.stage, h.status, h.attempts, h.provider])).toEqual([
      ['pm', 'succeeded', 1, 'template:v1'],
      ['dev', 'succeeded', 1, 'template:v1'],
      ['qa', 'succeeded', 1, 'template:v1'],
      ['ops', 'succeeded', 1, 'template:v1'],
    ]);
    for (const record of done.history) {
      expect(record.durationMs).toBeGreaterThanOrEqual(0);
      expect(record.endedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    const { items } = (await (await rt.request(`/api/projects/${created.id}/artifacts`)).json()) as {
      items: { name: string; stage: string }[];
    };
    expect(new Set(items.map((a) => a.stage))).toEqual(new Set(['pm', 'dev', 'qa', 'ops']));
    for (const name of ['requirements.md', 'review.md', 'deploy.md', 'todo-api.ts']) {
      const res = await rt.request(`/api/projects/${created.id}/artifacts/${name}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('template output, not model output');
    }
    expect(metrics.counts.map((m) => m.name)).toContain('ProjectsCompleted');
  });

  it('QA sends a project back to Dev once; a second negative review goes on to Ops', async () => {
    const model = scriptedModel((stage) => (stage === 'qa' ? 'changes' : 'ok'));
    const rt = await runtime({ model });
    const created = await create(rt);
    const done = await until(rt, created.id, ['completed']);
    expect(done.history.map((h) => `${h.stage}${h.outcome ? `:${h.outcome}` : ''}`)).toEqual([
      'pm',
      'dev',
      'qa:changes_requested',
      'dev',
      'qa',
      'ops',
    ]);
    const readme = await (await rt.request(`/api/projects/${created.id}/artifacts/README.md`)).text();
    expect(readme).toContain('revised after QA review');
  });

  it('C12 the same message delivered twice, concurrently, runs the stage once', async () => {
    const model = scriptedModel(() => 'ok');
    const rt = await runtime({ model, workers: false });
    const created = await create(rt);
    const message = {
      projectId: created.id,
      clientId: created.clientId,
      stage: 'pm' as const,
      correlationId: 'c',
    };
    const outcomes = await Promise.all([rt.pipeline.handle(message, 1), rt.pipeline.handle(message, 1)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'processed']);
    expect(model.calls).toEqual(['pm']);
    // A late duplicate after the project moved on changes nothing.
    expect(await rt.pipeline.handle(message, 2)).toBe('duplicate');
    const project = (await (await rt.request(`/api/projects/${created.id}`)).json()) as Project;
    expect(project.status).toBe('dev');
    expect(project.history).toHaveLength(1);
  });

  it('C10 a stage that always fails: 3 attempts, the project is failed with the reason, the message is in the DLQ', async () => {
    const metrics = captureMetrics();
    const rt = await runtime({ model: scriptedModel((stage) => (stage === 'dev' ? 'fail' : 'ok')), metrics });
    const created = await create(rt);
    const failed = await until(rt, created.id, ['failed']);
    expect(failed.failure).toEqual({ stage: 'dev', reason: 'ModelError: model unavailable for dev' });
    expect(failed.history.at(-1)).toMatchObject({ stage: 'dev', status: 'failed', attempts: 3 });
    const dlq = await waitFor(async () => {
      const items = await rt.queue.listDlq('dev');
      return items.length ? items : undefined;
    });
    expect(dlq[0]).toMatchObject({ receiveCount: 3, body: { projectId: created.id, stage: 'dev' } });
    expect(metrics.counts.filter((m) => m.name === 'StageFailures')).toHaveLength(3);
    expect(metrics.counts.map((m) => m.name)).toContain('ProjectsFailed');
  });

  it('fault injection: 50 projects with a model failing 30 % of calls all end completed or failed, none stuck or lost', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rt = await runtime({
      model: scriptedModel(() => (random() < 0.3 ? 'fail' : 'ok')),
      env: { MODEL_CIRCUIT_FAILURES: '100' },
      queue: { concurrency: 8 },
    });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await create(rt, `p${i}`)).id);
    const finals = await Promise.all(ids.map((id) => until(rt, id, ['completed', 'failed'])));
    expect(finals).toHaveLength(50);
    const failed = finals.filter((p) => p.status === 'failed');
    for (const p of failed) expect(p.failure?.reason).toMatch(/model unavailable/);
    expect(finals.filter((p) => p.status === 'completed').length).toBeGreaterThan(25);
    // Every failed project's message is in a DLQ; nothing else is left in any queue.
    const dead = (
      await Promise.all((['pm', 'dev', 'qa', 'ops'] as const).map((s) => rt.queue.listDlq(s)))
    ).flat();
    expect(new Set(dead.map((d) => d.body.projectId))).toEqual(new Set(failed.map((p) => p.id)));
    await waitFor(async () => {
      const depths = await Promise.all((['pm', 'dev', 'qa', 'ops'] as const).map((s) => rt.queue.depth(s)));
      return depths.every((d) => d === 0) ? true : undefined;
    });
  });

  it('a crash between saving a project and queueing it is repaired by the sweeper', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const metrics = captureMetrics();
    const rt = await runtime({ clock, metrics, workers: false });
    // The "crash": the project is stored but its first message was never sent.
    const project = newProject({
      id: newProjectId(clock.now()),
      clientId: rt.clientId,
      input: { name: 'orphan', type: 'cli', description: 'lost message' },
      now: clock.now(),
    });
    const { DynamoProjectRepository } = await import('../../src/adapters/aws/project-repository.ts');
    await new DynamoProjectRepository(rt.db, 'agenticai-local-data').create(project);
    expect(await rt.queue.depth('pm')).toBe(0);

    expect(await rt.pipeline.sweep({ requeueAfterMs: 300_000, stuckAfterMs: 900_000 })).toEqual({
      requeued: 0,
      stuck: 0,
    });
    clock.advance(16 * 60_000);
    expect(await rt.pipeline.sweep({ requeueAfterMs: 300_000, stuckAfterMs: 900_000 })).toEqual({
      requeued: 1,
      stuck: 1,
    });
    expect(await rt.queue.depth('pm')).toBe(1);
    // The sweeper publishes StuckProjects on every sweep (0 included): its critical alarm always has data.
    expect(
      metrics.values.filter((v) => v.name === 'StuckProjects').map((v) => [v.value, v.dimensions]),
    ).toEqual([
      [0, {}],
      [1, {}],
    ]);

    // Workers pick it up and finish it.
    rt.queue.start(rt.deliver);
    const done = await until(rt, project.id, ['completed']);
    expect(done.history).toHaveLength(4);
  });

  it('a stage whose worker died (lease expired) is re-queued by the sweeper and completed', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const rt = await runtime({ clock, workers: false, env: { PIPELINE_LEASE_SECONDS: '60' } });
    const created = await create(rt);
    const message = {
      projectId: created.id,
      clientId: created.clientId,
      stage: 'pm' as const,
      correlationId: 'c',
    };
    // A worker claims pm and "dies": its model call never returns.
    const hang: ModelProvider = { generate: () => new Promise(() => {}) };
    const { PipelineService } = await import('../../src/app/pipeline.ts');
    const { DynamoProjectRepository } = await import('../../src/adapters/aws/project-repository.ts');
    const { FileArtifactStore } = await import('../../src/adapters/local/file-artifact-store.ts');
    const store = new FileArtifactStore(`${rt.dataDir}/artifacts`);
    const dying = new PipelineService({
      repo: new DynamoProjectRepository(rt.db, loadConfig({}).dataTableName),
      artifacts: store,
      blobs: store,
      queue: rt.queue,
      model: hang,
      clock,
      metrics: { count: () => {}, record: () => {} },
      logger: rt.logger,
      leaseMs: 60_000,
    });
    void dying.handle(message, 1);
    await waitFor(async () =>
      ((await (await rt.request(`/api/projects/${created.id}`)).json()) as Project).status === 'pm'
        ? true
        : undefined,
    );
    // While the lease is live, a duplicate delivery does nothing.
    expect(await rt.pipeline.handle(message, 1)).toBe('duplicate');
    clock.advance(10 * 60_000);
    const swept = await rt.pipeline.sweep({ requeueAfterMs: 300_000, stuckAfterMs: 900_000 });
    expect(swept.requeued).toBe(1);
    rt.queue.start(rt.deliver);
    const done = await until(rt, created.id, ['completed']);
    // The abandoned run counts as an attempt; the history keeps one record per stage run.
    expect(done.history.map((h) => h.stage)).toEqual(['pm', 'dev', 'qa', 'ops']);
    expect(done.history[0]).toMatchObject({ stage: 'pm', status: 'succeeded', attempts: 2 });
  });

  it('failed projects can be retried from the failing stage', async () => {
    let failDev = true;
    const rt = await runtime({
      model: scriptedModel((stage) => (stage === 'dev' && failDev ? 'fail' : 'ok')),
    });
    const created = await create(rt);
    await until(rt, created.id, ['failed']);
    failDev = false;
    const retried = await rt.pipeline.retry(created.clientId, created.id, 'retry-1');
    expect(retried).toMatchObject({ outcome: 'requeued', project: { status: 'dev' } });
    expect(retried.outcome === 'requeued' && retried.project).not.toHaveProperty('failure');
    const done = await until(rt, created.id, ['completed']);
    expect(done.history.find((h) => h.stage === 'dev' && h.status === 'succeeded')?.attempts).toBe(4);
  });
});

describe('model spend limits', () => {
  it('running-project cap → 429 project_quota_exceeded with a clear message', async () => {
    const rt = await runtime({ workers: false, env: { RUNNING_PROJECTS: '2' } });
    await create(rt, 'a');
    await create(rt, 'b');
    const res = await rt.request('/api/projects', jsonPost({ name: 'c', type: 'api', description: 'd' }));
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('project_quota_exceeded');
    expect(body.error.message).toMatch(/2 unfinished projects/);
  });

  it('projects-per-day cap → 429 project_quota_exceeded; idempotent replays do not count', async () => {
    // A fixed instant: a run across midnight UTC would otherwise start a new day's count.
    const rt = await runtime({
      workers: false,
      env: { PROJECTS_PER_DAY: '2' },
      clock: manualClock('2026-11-23T10:30:00Z'),
    });
    await create(rt, 'a', { 'idempotency-key': 'same' });
    await create(rt, 'a', { 'idempotency-key': 'same' });
    await create(rt, 'b');
    const res = await rt.request('/api/projects', jsonPost({ name: 'c', type: 'api', description: 'd' }));
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /2 projects for today/,
    );
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the per-stage token budget is passed to the model', async () => {
    const seen: number[] = [];
    const model: ModelProvider = {
      generate: async (stage, prompt, context) => {
        seen.push(context.maxTokens);
        return template.generate(stage, prompt, context);
      },
    };
    const rt = await runtime({ model, env: { MODEL_MAX_TOKENS_PER_STAGE: '777' } });
    const created = await create(rt);
    await until(rt, created.id, ['completed']);
    expect(seen).toEqual([777, 777, 777, 777]);
  });
});

describe('template provider', () => {
  it('is deterministic and says it is template output', async () => {
    const context = {
      system: 's',
      maxTokens: 100,
      project: { id: 'x', name: 'N', type: 'web', description: 'd' },
      inputs: {},
    };
    const a = await template.generate('pm', 'p', context);
    const b = await template.generate('pm', 'p', context);
    expect(a).toEqual(b);
    expect(a.text).toContain(TEMPLATE_BANNER);
    vi.restoreAllMocks();
  });
});

describe('C12 idempotent creation after a crash', () => {
  it('a retry that finds the key claimed but no project writes the project and starts its pipeline', async () => {
    const rt = await runtime();
    const { DynamoProjectRepository } = await import('../../src/adapters/aws/project-repository.ts');
    const { canonicalHash } = await import('../../src/domain/ids.ts');
    const repo = new DynamoProjectRepository(rt.db, 'agenticai-local-data');
    const input = { name: 'Todo API', type: 'api' as const, description: 'A todo REST API' };
    const now = new Date();
    // The "crash": the key was claimed, the project never written.
    await repo.claimIdempotencyKey(
      {
        clientId: rt.clientId,
        key: 'crashed',
        requestHash: canonicalHash(input),
        projectId: newProjectId(now),
        createdAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + 3600,
      },
      now,
    );
    const res = await rt.request('/api/projects', jsonPost(input, { 'idempotency-key': 'crashed' }));
    expect(res.status).toBe(202);
    expect(res.headers.get('idempotent-replayed')).toBe('true');
    const { id } = (await res.json()) as Project;
    expect((await until(rt, id, ['completed'])).history).toHaveLength(4);
  });
});
