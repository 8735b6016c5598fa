import { AppError } from '../domain/errors.ts';
import type { Clock, CounterStore, ProjectRepository } from './ports.ts';

export interface ProjectQuotaOptions {
  /** New projects a client may create per UTC day. Default 50. */
  projectsPerDay: number;
  /** Unfinished projects a client may have at once. Default 5. */
  runningProjects: number;
}

/**
 * Model spend limits at the door: a project costs model tokens in four stages, so clients are
 * capped per day and in parallel. The running count reads an eventually consistent index, so a
 * burst of simultaneous creations can exceed it by a few; the daily cap is exact (conditional counter).
 */
export class ProjectQuota {
  constructor(
    private readonly repo: ProjectRepository,
    private readonly counters: CounterStore,
    private readonly clock: Clock,
    private readonly opts: ProjectQuotaOptions,
  ) {}

  async admit(clientId: string): Promise<void> {
    const running = await this.repo.countActive(clientId);
    if (running >= this.opts.runningProjects) {
      throw new AppError(
        'project_quota_exceeded',
        `this client already has ${running} unfinished projects (limit ${this.opts.runningProjects}); wait for one to finish`,
        undefined,
        { 'Retry-After': '60' },
      );
    }
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
}
