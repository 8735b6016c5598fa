import { randomUUID } from 'node:crypto';
import { backoffMs } from '../domain/backoff.ts';
import {
  canClaim,
  finishRecord,
  isFinished,
  type Lease,
  nextAfter,
  pendingStage,
  type StageMessage,
  startRecord,
} from '../domain/pipeline.ts';
import type { Project, Stage } from '../domain/project.ts';
import { METRIC } from '../observability/metrics.ts';
import { AGENT_SYSTEM, buildPrompt, parseOutput, STAGE_INPUTS } from './agents.ts';
import { isDependencyFailure } from './dependency-failure.ts';
import type { Logger } from './logger.ts';
import type {
  ArtifactStore,
  BlobWriter,
  Clock,
  MetricsSink,
  ModelProvider,
  ProjectRepository,
  RunningSlots,
  StageQueue,
} from './ports.ts';

export interface PipelineOptions {
  /** Deliveries of one stage message before the project fails and the message goes to the DLQ. Default 3. */
  maxAttempts?: number;
  /** How long a worker owns a stage run; must exceed the worker timeout. Default 15 min. */
  leaseMs?: number;
  /** Max output tokens the model may spend on one stage (model spend limit). Default 4096. */
  maxTokensPerStage?: number;
  /** The running-projects sets: a project that finishes gives its slot back. */
  slots?: RunningSlots;
}

/** What a PipelineService works with: its ports, and the options above. */
export interface PipelineDeps extends PipelineOptions {
  repo: ProjectRepository;
  artifacts: ArtifactStore;
  /** Where stage output is streamed (usually the artifact store itself). */
  blobs: BlobWriter;
  queue: StageQueue;
  model: ModelProvider;
  clock: Clock;
  metrics: MetricsSink;
  logger: Logger;
}

/** `deferred`: the store or artifact store failed; the stage was released and queued again. */
export type HandleOutcome = 'processed' | 'duplicate' | 'deferred';

/** Spacing of the retries of a stage that met an infrastructure outage (they spend no attempt). */
export const INFRA_RETRY_BACKOFF = { baseMs: 2_000, capMs: 60_000 };

/**
 * A failure of the stage's own work (the model call or its output): it spends one of the
 * stage's attempts, whatever its cause.
 */
export class StageWorkError extends Error {
  override readonly name = 'StageWorkError';
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason), { cause: reason });
  }
}

/**
 * True when a stage failed because our own infrastructure (store, artifact store, queue, file
 * descriptors, disk) was unavailable rather than because of the stage's work: such a failure is
 * retried later and never uses up the project's attempts.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  return !(error instanceof StageWorkError) && isDependencyFailure(error);
}

/**
 * Moves projects through PM → Dev → QA → Ops. Every transition is a conditional write on the
 * project's version, so duplicate or late messages can never run a stage twice or move a project
 * backwards. Failures throw, so the queue redelivers; the last delivery marks the project failed.
 */
export class PipelineService {
  /** Deliveries of a stage message before the project fails; the queues' maxReceiveCount is the same number. */
  readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly maxTokens: number;
  /** Lease tokens of the stage runs under way in this process. */
  private readonly live = new Set<string>();
  private readonly slots?: RunningSlots;
  private readonly repo: ProjectRepository;
  private readonly artifacts: ArtifactStore;
  private readonly blobs: BlobWriter;
  private readonly queue: StageQueue;
  private readonly model: ModelProvider;
  private readonly clock: Clock;
  private readonly metrics: MetricsSink;
  private readonly logger: Logger;

  constructor(deps: PipelineDeps) {
    ({
      repo: this.repo,
      artifacts: this.artifacts,
      blobs: this.blobs,
      queue: this.queue,
      model: this.model,
      clock: this.clock,
      metrics: this.metrics,
      logger: this.logger,
      slots: this.slots,
    } = deps);
    this.maxAttempts = deps.maxAttempts ?? 3;
    this.leaseMs = deps.leaseMs ?? 15 * 60_000;
    this.maxTokens = deps.maxTokensPerStage ?? 4096;
  }

  /** Best effort: a lost release is repaired at the client's next refused admission (ProjectQuota.reclaim). */
  private async releaseSlot(project: Project) {
    try {
      await this.slots?.release(project.clientId, project.id);
    } catch (error) {
      this.logger.warn('running slot not released', {
        event: 'slot_release_failed',
        projectId: project.id,
        error,
      });
    }
  }

  async handle(message: StageMessage, receiveCount: number): Promise<HandleOutcome> {
    const log = {
      projectId: message.projectId,
      stage: message.stage,
      correlationId: message.correlationId,
      receiveCount,
    };
    const state = await this.repo.getState(message.clientId, message.projectId);
    const now = this.clock.now();
    if (!state || !canClaim({ ...state.project, lease: state.lease }, message.stage, now.getTime())) {
      this.logger.info('stage message ignored', {
        event: 'stage_duplicate',
        ...log,
        status: state?.project.status ?? null,
      });
      return 'duplicate';
    }

    // Claim: only one delivery wins the version check.
    const { project } = state;
    const { history, attempts } = startRecord(project, message.stage, now);
    const lease: Lease = { stage: message.stage, token: randomUUID(), until: now.getTime() + this.leaseMs };
    const claimed: Project = {
      ...project,
      status: message.stage,
      stage: message.stage,
      version: project.version + 1,
      updatedAt: now.toISOString(),
      history,
    };
    // Known as live before it is written, so an exclusive sweep never takes it for a dead run's.
    this.live.add(lease.token);
    if (!(await this.repo.save({ project: claimed, lease }, project.version).catch(this.forget(lease)))) {
      this.live.delete(lease.token);
      this.logger.info('stage already claimed', { event: 'stage_duplicate', ...log });
      return 'duplicate';
    }
    this.logger.info('stage started', { event: 'stage_started', ...log, attempt: attempts });

    try {
      const outcome = await this.runStage(claimed, message.stage);
      await this.complete(claimed, message, outcome);
      return 'processed';
    } catch (error) {
      if (isInfrastructureFailure(error)) return await this.defer(project, claimed, message, error);
      const cause = error instanceof StageWorkError ? error.reason : error;
      await this.recordFailure(claimed, message, receiveCount, cause);
      throw cause;
    } finally {
      this.live.delete(lease.token);
    }
  }

  /**
   * An infrastructure outage hit the stage: undo the claim (the attempt does not count) and queue
   * the stage again after a backoff with a fresh receive count. If the store is still down and
   * this fails too, the error goes to the queue; the project is still not failed, and its
   * redelivered message or the sweeper resumes it.
   */
  private async defer(before: Project, claimed: Project, message: StageMessage, error: unknown) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const retries = (message.infraRetries ?? 0) + 1;
    const log = {
      projectId: message.projectId,
      stage: message.stage,
      correlationId: message.correlationId,
      infraRetries: retries,
      reason,
    };
    try {
      // `updatedAt` stays as it was: a long outage keeps the project's age, so StuckProjects
      // reports it and the sweeper re-queues it, instead of each retry making it look fresh.
      const released: Project = { ...before, version: claimed.version + 1 };
      let stage: Stage | undefined = message.stage;
      if (!(await this.repo.save({ project: released }, claimed.version))) {
        // The stage had already completed (its next message is what failed) or was taken over:
        // queue whatever the project waits for now; a duplicate is harmless.
        const state = await this.repo.getState(message.clientId, message.projectId);
        const leased = state?.lease && state.lease.until > this.clock.now().getTime();
        stage = state && !leased ? pendingStage(state.project) : undefined;
      }
      if (stage) {
        const delay = backoffMs(retries, INFRA_RETRY_BACKOFF);
        await this.queue.send(
          { ...message, stage, infraRetries: retries },
          { delaySeconds: Math.ceil(delay / 1000) },
        );
      }
    } catch (releaseError) {
      this.logger.error('stage deferred but not released: store unavailable', {
        event: 'stage_release_failed',
        ...log,
        error: releaseError,
      });
      throw error;
    }
    this.logger.warn('stage deferred: infrastructure unavailable', { event: 'stage_deferred', ...log });
    return 'deferred' as const;
  }

  private async runStage(project: Project, stage: Stage) {
    const inputs: Record<string, string> = {};
    const wanted = STAGE_INPUTS[stage];
    for (const artifact of await this.artifacts.list(project.clientId, project.id)) {
      if (!wanted.includes(artifact.stage)) continue;
      const found = await this.artifacts.read(project.clientId, project.id, artifact.name);
      if (found) inputs[artifact.name] = found.body.toString('utf8');
    }
    const started = performance.now();
    const { result, parsed } = await this.work(async () => {
      const result = await this.model.generate(stage, buildPrompt(stage, project, inputs), {
        system: AGENT_SYSTEM[stage],
        maxTokens: this.maxTokens,
        project: { id: project.id, name: project.name, type: project.type, description: project.description },
        inputs,
      });
      return { result, parsed: parseOutput(stage, result.text) };
    });
    this.metrics.record(METRIC.ModelLatency, performance.now() - started, 'Milliseconds', { stage });
    this.metrics.record(METRIC.ModelTokens, result.inputTokens + result.outputTokens, 'Count', { stage });
    for (const file of parsed.files) {
      await this.blobs.write(project.clientId, project.id, stage, file.name, file.content);
    }
    return {
      provider: result.provider,
      verdict: parsed.verdict,
      tokens: { input: result.inputTokens, output: result.outputTokens },
    };
  }

  /** Runs the stage's own work; whatever it throws counts against the stage's attempts. */
  private async work<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new StageWorkError(error);
    }
  }

  private async complete(
    claimed: Project,
    message: StageMessage,
    outcome: {
      provider: string;
      verdict?: 'pass' | 'changes_requested';
      tokens: { input: number; output: number };
    },
  ) {
    const now = this.clock.now();
    const next = nextAfter(claimed, message.stage, outcome.verdict);
    const sentBack = message.stage === 'qa' && next === 'dev';
    const history = finishRecord(claimed.history, now, {
      status: 'succeeded',
      provider: outcome.provider,
      ...(sentBack && { outcome: 'changes_requested' as const }),
    });
    history[history.length - 1] = { ...history.at(-1)!, tokens: outcome.tokens };
    const done: Project = {
      ...claimed,
      status: next,
      stage: null,
      version: claimed.version + 1,
      updatedAt: now.toISOString(),
      history,
    };
    if (!(await this.repo.save({ project: done }, claimed.version))) {
      // Our lease expired and another worker took over; its result stands.
      this.logger.warn('stage result discarded: lease lost', {
        event: 'stage_lease_lost',
        projectId: claimed.id,
        stage: message.stage,
      });
      return;
    }
    const durationMs = history.at(-1)?.durationMs ?? 0;
    this.metrics.record(METRIC.StageDuration, durationMs, 'Milliseconds', { stage: message.stage });
    this.logger.info('stage completed', {
      event: 'stage_completed',
      projectId: claimed.id,
      stage: message.stage,
      correlationId: message.correlationId,
      next,
      durationMs,
    });
    if (next === 'completed') {
      this.metrics.count(METRIC.ProjectsCompleted);
      await this.releaseSlot(done);
      return;
    }
    // If this send fails the project waits in `next` with no lease; the sweeper re-queues it.
    await this.queue.send({ ...message, stage: next });
  }

  private async recordFailure(claimed: Project, message: StageMessage, receiveCount: number, error: unknown) {
    const now = this.clock.now();
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const last = receiveCount >= this.maxAttempts;
    const history = finishRecord(claimed.history, now, { status: 'failed', error: reason });
    const failed: Project = {
      ...claimed,
      status: last ? 'failed' : claimed.status,
      stage: null,
      version: claimed.version + 1,
      updatedAt: now.toISOString(),
      history,
      ...(last && { failure: { stage: message.stage, reason } }),
    };
    const saved = await this.repo.save({ project: failed }, claimed.version);
    this.metrics.count(METRIC.StageFailures, { stage: message.stage });
    if (last && saved) {
      this.metrics.count(METRIC.ProjectsFailed);
      await this.releaseSlot(failed);
    }
    this.logger.warn(last ? 'project failed' : 'stage attempt failed', {
      event: last ? 'project_failed' : 'stage_failed',
      projectId: claimed.id,
      stage: message.stage,
      correlationId: message.correlationId,
      receiveCount,
      reason,
    });
  }

  /**
   * For a process that is the only worker on its store (local mode), at start: every lease was
   * held by a previous process that is gone, so release them, and queue every unfinished
   * project's pending stage now rather than after the lease or the visibility timeout (duplicates
   * are ignored by the claim). Pages through every unfinished project, `pageSize` at a time.
   * Returns how many leases were released and stages queued.
   */
  async resumeAfterRestart(opts: { pageSize?: number } = {}) {
    const now = this.clock.now();
    const before = new Date(now.getTime() + 1).toISOString();
    // A released project moves to `now` in the listing, ahead of the cursor: never visit it twice.
    const seen = new Set<string>();
    let released = 0;
    let queued = 0;
    let after: string | undefined;
    do {
      const page = await this.repo.listActive(before, opts.pageSize ?? 500, after);
      after = page.next;
      for (const item of page.items) {
        const id = `${item.clientId}/${item.projectId}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const state = await this.repo.getState(item.clientId, item.projectId);
        if (!state || isFinished(state.project)) continue;
        let project = state.project;
        if (state.lease) {
          const free = await this.releaseDeadLease(state.project, now);
          if (!free) continue;
          project = free;
          released++;
        }
        await this.queue.send({
          projectId: item.projectId,
          clientId: item.clientId,
          stage: pendingStage(project)!,
          correlationId: `restart-${item.projectId}`,
        });
        queued++;
      }
    } while (after !== undefined);
    if (released || queued) {
      this.logger.warn('resumed the work of the previous process', {
        event: 'pipeline_resumed',
        leasesReleased: released,
        stagesQueued: queued,
      });
    }
    return { released, queued };
  }

  private forget(lease: Lease) {
    return (error: unknown): never => {
      this.live.delete(lease.token);
      throw error;
    };
  }

  /** Whether a stage run of this process holds `lease` (exclusive mode: any other lease is dead). */
  private holdsLease(lease: Lease) {
    return this.live.has(lease.token);
  }

  /**
   * Frees a project whose lease belongs to no running worker. The abandoned run stays in the
   * history as failed; the stage's attempts are counted by deliveries, as before.
   */
  private async releaseDeadLease(project: Project, now: Date): Promise<Project | undefined> {
    const last = project.history.at(-1);
    const history =
      last?.status === 'running'
        ? finishRecord(project.history, now, { status: 'failed', error: 'worker stopped' })
        : project.history;
    const free: Project = {
      ...project,
      stage: null,
      version: project.version + 1,
      updatedAt: now.toISOString(),
      history,
    };
    return (await this.repo.save({ project: free }, project.version)) ? free : undefined;
  }

  /** Re-queues a failed project from the stage that failed (`agenticai projects retry`). */
  retry(clientId: string, projectId: string, correlationId: string) {
    return retryProject(
      { repo: this.repo, queue: this.queue, clock: this.clock, slots: this.slots },
      { clientId, projectId, correlationId },
    );
  }

  /**
   * Repairs work that would otherwise stall: projects unfinished and untouched for `requeueAfterMs`
   * with no live lease (with `exclusive`, no lease held by this process) get their pending stage queued again (duplicates are harmless). Returns
   * how many were re-queued and how many unfinished projects are older than `stuckAfterMs`.
   */
  async sweep(opts: { requeueAfterMs: number; stuckAfterMs: number; exclusive?: boolean }) {
    const now = this.clock.now();
    const { items: stale } = await this.repo.listActive(
      new Date(now.getTime() - Math.min(opts.requeueAfterMs, opts.stuckAfterMs)).toISOString(),
      500,
    );
    let requeued = 0;
    let stuck = 0;
    for (const item of stale) {
      const age = now.getTime() - Date.parse(item.updatedAt);
      if (age >= opts.stuckAfterMs) stuck++;
      if (age < opts.requeueAfterMs) continue;
      const state = await this.repo.getState(item.clientId, item.projectId);
      if (!state || isFinished(state.project)) continue;
      let { project } = state;
      if (state.lease && state.lease.until > now.getTime()) {
        // With `exclusive` (local mode: the only worker process on the store) a lease this process
        // does not hold is a dead run's, e.g. one whose release failed during a store outage.
        if (!opts.exclusive || this.holdsLease(state.lease)) continue;
        const free = await this.releaseDeadLease(project, now);
        if (!free) continue;
        project = free;
      }
      const stage = pendingStage(project)!;
      await this.queue.send({
        projectId: item.projectId,
        clientId: item.clientId,
        stage,
        correlationId: `sweeper-${item.projectId}`,
      });
      requeued++;
      this.logger.warn('project re-queued by sweeper', {
        event: 'sweeper_requeued',
        projectId: item.projectId,
        stage,
        ageMs: age,
      });
    }
    this.metrics.record(METRIC.StuckProjects, stuck, 'Count');
    return { requeued, stuck };
  }
}

export type RetryResult =
  | { outcome: 'requeued'; project: Project }
  | { outcome: 'not_failed'; project: Project }
  | { outcome: 'not_found' | 'conflict' };

/** A failed project goes back to the stage that failed, keeping its history; only failed projects. */
export async function retryProject(
  deps: { repo: ProjectRepository; queue: StageQueue; clock: Clock; slots?: RunningSlots },
  target: { clientId: string; projectId: string; correlationId: string },
): Promise<RetryResult> {
  const { repo, queue, clock, slots } = deps;
  const { clientId, projectId, correlationId } = target;
  const state = await repo.getState(clientId, projectId);
  if (!state) return { outcome: 'not_found' };
  const { project } = state;
  if (project.status !== 'failed' || !project.failure) return { outcome: 'not_failed', project };
  const { failure, ...rest } = project;
  const requeued: Project = {
    ...rest,
    status: failure.stage,
    stage: null,
    version: project.version + 1,
    updatedAt: clock.now().toISOString(),
  };
  if (!(await repo.save({ project: requeued }, project.version))) return { outcome: 'conflict' };
  // Running again, so counted again (an operator's retry is not refused by the client's cap).
  await slots?.hold(clientId, projectId);
  await queue.send({ projectId, clientId, stage: failure.stage, correlationId });
  return { outcome: 'requeued', project: requeued };
}
