import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoProjectRepository } from '../../src/adapters/aws/project-repository.ts';
import { FileArtifactStore } from '../../src/adapters/local/file-artifact-store.ts';
import { TemplateModelProvider } from '../../src/adapters/local/template-model.ts';
import { isDependencyFailure } from '../../src/app/dependency-failure.ts';
import {
  INFRA_RETRY_BACKOFF,
  isInfrastructureFailure,
  PipelineService,
  StageWorkError,
} from '../../src/app/pipeline.ts';
import type { BlobWriter, ModelProvider, ProjectRepository } from '../../src/app/ports.ts';
import { loadConfig } from '../../src/config.ts';
import type { StageMessage } from '../../src/domain/pipeline.ts';
import type { Project } from '../../src/domain/project.ts';
import {
  captureMetrics,
  jsonPost,
  manualClock,
  silentLogger,
  startTestRuntime,
  type TestRuntime,
} from '../support/local-app.ts';

/** The shape Node gives a failed file-system call. */
const sysError = (code: string, syscall = 'write') =>
  Object.assign(new Error(`${code}: ${syscall} failed`), { code, errno: -1, syscall });

describe('isDependencyFailure / isInfrastructureFailure (issue 19)', () => {
  it.each([
    ['disk full', sysError('ENOSPC')],
    ['I/O error', sysError('EIO')],
    ['out of file descriptors', sysError('EMFILE', 'open')],
    ['system file table full', sysError('ENFILE', 'open')],
    ['read-only file system', sysError('EROFS')],
    ['LevelDB I/O error wrapped by abstract-level', new Error('write failed', { cause: sysError('ENOSPC') })],
    [
      'LEVEL_IO_ERROR',
      Object.assign(new Error('IO error: 000005.log: No space left on device'), { code: 'LEVEL_IO_ERROR' }),
    ],
    [
      'the embedded store answering 500',
      Object.assign(new Error('Internal server error: LEVEL_IO_ERROR'), {
        name: 'InternalServerError',
        $metadata: { httpStatusCode: 500 },
      }),
    ],
    ['a refused connection to the store', sysError('ECONNREFUSED', 'connect')],
  ])('%s is a dependency failure', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(true);
    expect(isInfrastructureFailure(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError('x is undefined')],
    ['a missing file', sysError('ENOENT', 'open')],
    [
      'a validation error from the store',
      Object.assign(new Error('bad'), { $metadata: { httpStatusCode: 400 } }),
    ],
    ['not an Error', 'ENOSPC'],
  ])('%s is not', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });

  it('a failure of the stage’s own work counts even when its cause is transient (a throttled model)', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    expect(isDependencyFailure(throttled)).toBe(true);
    expect(isInfrastructureFailure(new StageWorkError(throttled))).toBe(false);
  });
});

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close();
});

/** A pipeline over the real local store and artifact files, with a recording queue and injectable faults. */
async function setup(opts: { blobs?: (inner: BlobWriter) => BlobWriter; model?: ModelProvider } = {}) {
  const rt = await startTestRuntime({ workers: false });
  runtimes.push(rt);
  const clock = manualClock('2026-03-01T10:00:00Z');
  const metrics = captureMetrics();
  const sent: { message: StageMessage; delaySeconds?: number }[] = [];
  const queue = {
    async send(message: StageMessage, o: { delaySeconds?: number } = {}) {
      sent.push({ message, delaySeconds: o.delaySeconds });
    },
  };
  const repo = new DynamoProjectRepository(rt.db, loadConfig({}).dataTableName);
  let failSaves = 0;
  const flakyRepo: ProjectRepository = Object.assign(Object.create(repo), {
    save: (...args: Parameters<ProjectRepository['save']>) => {
      if (failSaves > 0) {
        failSaves--;
        return Promise.reject(sysError('ENOSPC'));
      }
      return repo.save(...args);
    },
  });
  const artifacts = new FileArtifactStore(join(rt.dataDir, 'artifacts'));
  const pipeline = new PipelineService({
    repo: flakyRepo,
    artifacts,
    blobs: opts.blobs ? opts.blobs(artifacts) : artifacts,
    queue,
    model: opts.model ?? new TemplateModelProvider(),
    clock,
    metrics,
    logger: silentLogger(),
    // One attempt per stage: any failure counted as an attempt fails the project.
    maxAttempts: 1,
    leaseMs: 15 * 60_000,
  });
  const res = await rt.request(
    '/api/projects',
    jsonPost({ name: 'Infra', type: 'api', description: 'outage test' }),
  );
  const project = (await res.json()) as Project;
  const message: StageMessage = {
    projectId: project.id,
    clientId: project.clientId,
    stage: 'pm',
    correlationId: 'c-infra',
  };
  return {
    rt,
    created: project,
    clock,
    metrics,
    sent,
    pipeline,
    message,
    failNextSaves: (n: number) => {
      failSaves = n;
    },
    state: () => repo.getState(project.clientId, project.id),
  };
}

describe('stage attempts and infrastructure outages (issue 19)', () => {
  it('an artifact store that is full defers the stage: no attempt spent, project not failed, stage queued again after a backoff', async () => {
    let failures = 2;
    const t = await setup({
      blobs: (inner) => ({
        write: (...args) => (failures-- > 0 ? Promise.reject(sysError('ENOSPC')) : inner.write(...args)),
      }),
    });
    expect(await t.pipeline.handle(t.message, 1)).toBe('deferred');
    let state = await t.state();
    // As before the claim, age included (so a long outage still shows in StuckProjects).
    expect(state?.project).toMatchObject({
      status: 'queued',
      stage: null,
      history: [],
      updatedAt: t.created.updatedAt,
    });
    expect(state?.lease).toBeUndefined();
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]!.message).toMatchObject({ stage: 'pm', infraRetries: 1 });
    expect(t.sent[0]!.delaySeconds).toBeLessThanOrEqual(INFRA_RETRY_BACKOFF.baseMs / 1000);

    // Still full: the retry is deferred again, with a longer backoff ceiling.
    expect(await t.pipeline.handle(t.sent[0]!.message, 1)).toBe('deferred');
    expect(t.sent[1]!.message.infraRetries).toBe(2);

    // Space is back: the stage runs once and counts one attempt.
    expect(await t.pipeline.handle(t.sent[1]!.message, 1)).toBe('processed');
    state = await t.state();
    expect(state?.project.status).toBe('dev');
    expect(state?.project.history).toMatchObject([{ stage: 'pm', status: 'succeeded', attempts: 1 }]);
    expect(t.metrics.counts.map((m) => m.name)).not.toContain('StageFailures');
    expect(t.metrics.counts.map((m) => m.name)).not.toContain('ProjectsFailed');
  });

  it('a failure of the model still spends the attempt, even a transient one', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const t = await setup({ model: { generate: () => Promise.reject(throttled) } });
    await expect(t.pipeline.handle(t.message, 1)).rejects.toBe(throttled);
    const state = await t.state();
    expect(state?.project.status).toBe('failed');
    expect(state?.project.failure).toEqual({ stage: 'pm', reason: 'ThrottlingException: slow down' });
  });

  it('if the store is down too, the error goes back to the queue, the project is not failed, and the exclusive sweep frees its lease', async () => {
    const eio = sysError('EIO');
    const t: Awaited<ReturnType<typeof setup>> = await setup({
      blobs: () => ({
        write: () => {
          t.failNextSaves(1); // the release that follows fails too
          return Promise.reject(eio);
        },
      }),
    });
    await expect(t.pipeline.handle(t.message, 1)).rejects.toBe(eio);
    let state = await t.state();
    expect(state?.project).toMatchObject({ status: 'pm', stage: 'pm' });
    expect(state?.lease).toBeDefined();

    t.clock.set('2026-03-01T10:10:00Z');
    const opts = { requeueAfterMs: 60_000, stuckAfterMs: 3_600_000 };
    // Another worker might hold a live lease (AWS): the plain sweep leaves it alone.
    expect(await t.pipeline.sweep(opts)).toMatchObject({ requeued: 0 });
    // Local mode is the only worker: a lease no run of this process holds is dead.
    expect(await t.pipeline.sweep({ ...opts, exclusive: true })).toMatchObject({ requeued: 1 });
    state = await t.state();
    expect(state?.lease).toBeUndefined();
    expect(state?.project.status).toBe('pm');
    expect(t.sent.at(-1)?.message).toMatchObject({ stage: 'pm', projectId: t.message.projectId });
  });

  it('at start, leases left by a previous process are released and their stages queued at once', async () => {
    const t = await setup({ model: { generate: () => new Promise(() => {}) } });
    // A run that never finishes stands for a process killed mid-stage.
    void t.pipeline.handle(t.message, 1);
    await expect.poll(async () => (await t.state())?.lease).toBeDefined();
    const restarted = new PipelineService({
      repo: new DynamoProjectRepository(t.rt.db, loadConfig({}).dataTableName),
      artifacts: new FileArtifactStore(join(t.rt.dataDir, 'artifacts')),
      blobs: new FileArtifactStore(join(t.rt.dataDir, 'artifacts')),
      queue: { send: async (message: StageMessage) => void t.sent.push({ message }) },
      model: new TemplateModelProvider(),
      clock: t.clock,
      metrics: t.metrics,
      logger: silentLogger(),
    });
    expect(await restarted.resumeAfterRestart()).toEqual({ released: 1, queued: 1 });
    const state = await t.state();
    expect(state?.lease).toBeUndefined();
    expect(state?.project.history).toMatchObject([
      { stage: 'pm', status: 'failed', error: 'worker stopped' },
    ]);
    expect(t.sent.at(-1)?.message).toMatchObject({ stage: 'pm', projectId: t.message.projectId });
    expect(await restarted.handle(t.sent.at(-1)!.message, 1)).toBe('processed');
    expect((await t.state())?.project.history).toMatchObject([
      { stage: 'pm', status: 'succeeded', attempts: 2 },
    ]);
  });

  it('at start, every unfinished project is resumed however many pages it takes (page size 2, 7 projects, 3 of them leased)', async () => {
    const t = await setup({ model: { generate: () => new Promise(() => {}) } });
    const ids = [t.created.id];
    for (let i = 0; i < 6; i++) {
      const res = await t.rt.request(
        '/api/projects',
        jsonPost({ name: `P${i}`, type: 'api', description: 'page' }),
      );
      ids.push(((await res.json()) as Project).id);
    }
    const repo = new DynamoProjectRepository(t.rt.db, loadConfig({}).dataTableName);
    // Three runs that never finish: a process killed with three stages under way.
    for (const id of ids.slice(0, 3)) void t.pipeline.handle({ ...t.message, projectId: id }, 1);
    await expect
      .poll(async () => {
        const states = await Promise.all(ids.slice(0, 3).map((id) => repo.getState(t.created.clientId, id)));
        return states.every((s) => s?.lease);
      })
      .toBe(true);
    const restarted = new PipelineService({
      repo,
      artifacts: new FileArtifactStore(join(t.rt.dataDir, 'artifacts')),
      blobs: new FileArtifactStore(join(t.rt.dataDir, 'artifacts')),
      queue: { send: async (message: StageMessage) => void t.sent.push({ message }) },
      model: new TemplateModelProvider(),
      clock: t.clock,
      metrics: t.metrics,
      logger: silentLogger(),
    });
    t.sent.length = 0;
    // After every creation (they used the server's clock).
    t.clock.set('2027-01-01T00:00:00Z');
    expect(await restarted.resumeAfterRestart({ pageSize: 2 })).toEqual({ released: 3, queued: 7 });
    // Each project queued once, although released ones move within the listing while it is read.
    expect(t.sent.map((s) => s.message.projectId).sort()).toEqual([...ids].sort());
    expect(t.sent.every((s) => s.message.stage === 'pm')).toBe(true);
  });
});
