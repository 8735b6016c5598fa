import { randomUUID } from 'node:crypto';
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
import type { Logger } from './logger.ts';
import type {
  ArtifactStore,
  BlobWriter,
  Clock,
  MetricsSink,
  ModelProvider,
  ProjectRepository,
  StageQueue,
} from './ports.ts';

export interface PipelineOptions {
  /** Deliveries of one stage message before the project fails and the message goes to the DLQ. Default 3. */
  maxAttempts?: number;
  /** How long a worker owns a stage run; must exceed the worker timeout. Default 15 min. */
  leaseMs?: number;
  /** Max output tokens the model may spend on one stage (model spend limit). Default 4096. */
  maxTokensPerStage?: number;
}

export type HandleOutcome = 'processed' | 'duplicate';

/**
 * Moves projects through PM → Dev → QA → Ops. Every transition is a conditional write on the
 * project's version, so duplicate or late messages can never run a stage twice or move a project
 * backwards. Failures throw, so the queue redelivers; the last delivery marks the project failed.
 */
export class PipelineService {
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly maxTokens: number;

  constructor(
    private readonly repo: ProjectRepository,
    private readonly artifacts: ArtifactStore,
    private readonly blobs: BlobWriter,
    private readonly queue: StageQueue,
    private readonly model: ModelProvider,
    private readonly clock: Clock,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    opts: PipelineOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.leaseMs = opts.leaseMs ?? 15 * 60_000;
    this.maxTokens = opts.maxTokensPerStage ?? 4096;
  }

  /** Queues the first stage of a newly created project. */
  start(project: Project, correlationId: string): Promise<void> {
    return this.queue.send({ projectId: project.id, clientId: project.clientId, stage: 'pm', correlationId });
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
    if (!(await this.repo.save({ project: claimed, lease }, project.version))) {
      this.logger.info('stage already claimed', { event: 'stage_duplicate', ...log });
      return 'duplicate';
    }
    this.logger.info('stage started', { event: 'stage_started', ...log, attempt: attempts });

    try {
      const outcome = await this.runStage(claimed, message.stage);
      await this.complete(claimed, message, outcome);
      return 'processed';
    } catch (error) {
      await this.recordFailure(claimed, message, receiveCount, error);
      throw error;
    }
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
    const result = await this.model.generate(stage, buildPrompt(stage, project, inputs), {
      system: AGENT_SYSTEM[stage],
      maxTokens: this.maxTokens,
      project: { id: project.id, name: project.name, type: project.type, description: project.description },
      inputs,
    });
    this.metrics.record(METRIC.ModelLatency, performance.now() - started, 'Milliseconds', { stage });
    this.metrics.record(METRIC.ModelTokens, result.inputTokens + result.outputTokens, 'Count', { stage });
    const parsed = parseOutput(stage, result.text);
    for (const file of parsed.files) {
      await this.blobs.write(project.clientId, project.id, stage, file.name, file.content);
    }
    return {
      provider: result.provider,
      verdict: parsed.verdict,
      tokens: { input: result.inputTokens, output: result.outputTokens },
    };
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
    if (last && saved) this.metrics.count(METRIC.ProjectsFailed);
    this.logger.warn(last ? 'project failed' : 'stage attempt failed', {
      event: last ? 'project_failed' : 'stage_failed',
      projectId: claimed.id,
      stage: message.stage,
      correlationId: message.correlationId,
      receiveCount,
      reason,
    });
  }

  /** Re-queues a failed project from the stage that failed (`agenticai projects retry`). */
  retry(clientId: string, projectId: string, correlationId: string) {
    return retryProject(this.repo, this.queue, this.clock, clientId, projectId, correlationId);
  }

  /**
   * Repairs work that would otherwise stall: projects unfinished and untouched for `requeueAfterMs`
   * with no live lease get their pending stage queued again (duplicates are harmless). Returns
   * how many were re-queued and how many unfinished projects are older than `stuckAfterMs`.
   */
  async sweep(opts: { requeueAfterMs: number; stuckAfterMs: number }) {
    const now = this.clock.now();
    const stale = await this.repo.listActive(
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
      if (state.lease && state.lease.until > now.getTime()) continue;
      const stage = pendingStage(state.project)!;
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
  repo: ProjectRepository,
  queue: StageQueue,
  clock: Clock,
  clientId: string,
  projectId: string,
  correlationId: string,
): Promise<RetryResult> {
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
  await queue.send({ projectId, clientId, stage: failure.stage, correlationId });
  return { outcome: 'requeued', project: requeued };
}
