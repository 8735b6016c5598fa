import { decodeTime } from 'ulid';
import { AppError } from '../domain/errors.ts';
import { isFinished } from '../domain/pipeline.ts';
import type { Clock, CounterStore, ProjectRepository, RunningSlots } from './ports.ts';

export interface ProjectQuotaOptions {
  /** New projects a client may create per UTC day. Default 50. */
  projectsPerDay: number;
  /** Unfinished projects a client may have at once. Default 5. */
  runningProjects: number;
}

/**
 * How long a slot may be held by a project id that was never written before it counts as lost
 * (the process died between admission and creation). Admission and creation are milliseconds apart.
 */
export const UNCREATED_SLOT_GRACE_MS = 60_000;

/**
 * Model spend limits at the door: a project costs model tokens in four stages, so clients are
 * capped per day and in parallel. Both caps are exact under any concurrency: the running cap is a
 * conditional add to the client's set of running project ids, the daily cap a conditional counter.
 */
export class ProjectQuota {
  constructor(
    private readonly repo: ProjectRepository,
    private readonly counters: CounterStore,
    private readonly slots: RunningSlots,
    private readonly clock: Clock,
    private readonly opts: ProjectQuotaOptions,
  ) {}

  /** Takes a running slot for `projectId` and counts it for today, or throws a 429 error. */
  async admit(clientId: string, projectId: string): Promise<void> {
    const cap = this.opts.runningProjects;
    const acquired =
      (await this.slots.acquire(clientId, projectId, cap)) ||
      ((await this.reclaim(clientId)) > 0 && (await this.slots.acquire(clientId, projectId, cap)));
    if (!acquired) {
      throw new AppError(
        'project_quota_exceeded',
        `this client already has ${cap} unfinished projects (limit ${cap}); wait for one to finish`,
        undefined,
        { 'Retry-After': '60' },
      );
    }
    try {
      await this.countToday(clientId);
    } catch (error) {
      // Not admitted after all: give the slot back (if this fails too, reclaim finds it later).
      await this.slots.release(clientId, projectId).catch(() => {});
      throw error;
    }
  }

  private async countToday(clientId: string) {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    const tomorrow = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 86_400;
    const counted = await this.counters.increment(
      `${clientId}#projects`,
      day,
      this.opts.projectsPerDay,
      tomorrow + 86_400,
    );
    if (counted === undefined) {
      throw new AppError(
        'project_quota_exceeded',
        `this client created its ${this.opts.projectsPerDay} projects for today (UTC); more can be created after midnight UTC`,
        undefined,
        { 'Retry-After': String(tomorrow - Math.floor(now.getTime() / 1000)) },
      );
    }
  }

  /**
   * Self-healing for the crash windows: frees slots whose project finished (the release after the
   * last stage was lost) or was never written (the process died after admission). Runs only when
   * the cap refuses, which is the only time a stale slot matters. Returns how many were freed.
   */
  async reclaim(clientId: string): Promise<number> {
    const now = this.clock.now().getTime();
    let freed = 0;
    for (const projectId of await this.slots.held(clientId)) {
      const project = await this.repo.get(clientId, projectId);
      const stale = project ? isFinished(project) : now - decodeTime(projectId) >= UNCREATED_SLOT_GRACE_MS;
      if (stale && (await this.slots.release(clientId, projectId))) freed++;
    }
    return freed;
  }
}
