import { AppError } from '../domain/errors.ts';
import { canonicalHash, isProjectId, newProjectId } from '../domain/ids.ts';
import { type CreateProjectInput, newProject, type Project } from '../domain/project.ts';
import type { ArtifactStore, Clock, IdempotencyRecord, ProjectRepository } from './ports.ts';

/** How long an Idempotency-Key binds to its first request. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface CreateResult {
  project: Project;
  /** True when an earlier request with the same Idempotency-Key already created it. */
  replayed: boolean;
}

/** What happens around a new project: admission (quotas) and the start of the pipeline. */
export interface ProjectLifecycle {
  /** Admits `projectId` for the client (its running slot and daily count) or throws a 429 error. */
  admit(clientId: string, projectId: string): Promise<void>;
  /** Gives back the slot of an admitted id that will not be used. */
  abandon(clientId: string, projectId: string): Promise<void>;
  /** Counts a project created late under an earlier admission (a replayed Idempotency-Key). */
  resume(clientId: string, projectId: string): Promise<void>;
  started(project: Project, correlationId: string): Promise<void>;
}

const noLifecycle: ProjectLifecycle = {
  admit: async () => {},
  abandon: async () => {},
  resume: async () => {},
  started: async () => {},
};

export class ProjectService {
  constructor(
    private readonly repo: ProjectRepository,
    private readonly artifacts: ArtifactStore,
    private readonly clock: Clock,
    private readonly lifecycle: ProjectLifecycle = noLifecycle,
  ) {}

  async create(
    clientId: string,
    input: CreateProjectInput,
    idempotencyKey?: string,
    correlationId = 'none',
    canary = false,
  ): Promise<CreateResult> {
    const now = this.clock.now();
    const id = newProjectId(now);
    if (canary) {
      // A canary project proves the write path only: no quota slot, no pipeline (no model spend);
      // the store deletes it after a day. Each canary run is a new project, so no idempotency.
      const project = newProject({ id, clientId, input, now, canary: true });
      await this.repo.create(project);
      return { project, replayed: false };
    }
    if (idempotencyKey === undefined) {
      await this.lifecycle.admit(clientId, id);
      const project = newProject({ id, clientId, input, now });
      await this.repo.create(project);
      await this.lifecycle.started(project, correlationId);
      return { project, replayed: false };
    }

    // A replay must not count against quotas: look for the key before admitting.
    const requestHash = canonicalHash(input);
    const known = await this.repo.getIdempotencyRecord(clientId, idempotencyKey, now);
    if (known) return this.replay(clientId, input, requestHash, known, correlationId);
    try {
      await this.lifecycle.admit(clientId, id);
    } catch (error) {
      // A concurrent request with the same key may have taken the last slot for this very project.
      const claimed = await this.repo.getIdempotencyRecord(clientId, idempotencyKey, now);
      if (claimed) return this.replay(clientId, input, requestHash, claimed, correlationId);
      throw error;
    }

    // The key is claimed before the project is written; if the process dies in between, the next
    // retry with the same key finds the claim and finishes the creation with the claimed id.
    const claim = await this.repo.claimIdempotencyKey(
      {
        clientId,
        key: idempotencyKey,
        requestHash,
        projectId: id,
        createdAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      now,
    );
    if (claim.claimed) {
      const project = newProject({ id, clientId, input, now });
      await this.repo.create(project);
      await this.lifecycle.started(project, correlationId);
      return { project, replayed: false };
    }
    // A concurrent request with the same key won: our admission goes unused.
    await this.lifecycle.abandon(clientId, id);
    return this.replay(clientId, input, requestHash, claim.existing, correlationId);
  }

  private async replay(
    clientId: string,
    input: CreateProjectInput,
    requestHash: string,
    existing: IdempotencyRecord,
    correlationId: string,
  ): Promise<CreateResult> {
    if (existing.requestHash !== requestHash) {
      throw new AppError(
        'idempotency_conflict',
        'Idempotency-Key was already used with a different request body; use a new key for a new request',
      );
    }
    const stored = await this.repo.get(clientId, existing.projectId);
    if (stored) return { project: stored, replayed: true };
    const project = newProject({
      id: existing.projectId,
      clientId,
      input,
      now: new Date(existing.createdAt),
    });
    // The first attempt died before writing the project: count it again before it exists.
    await this.lifecycle.resume(clientId, existing.projectId);
    // A concurrent retry may write the same project first; either way it now exists.
    if (!(await this.repo.create(project))) {
      return { project: (await this.repo.get(clientId, existing.projectId)) ?? project, replayed: true };
    }
    await this.lifecycle.started(project, correlationId);
    return { project, replayed: true };
  }

  async get(clientId: string, projectId: string): Promise<Project> {
    const project = isProjectId(projectId) ? await this.repo.get(clientId, projectId) : undefined;
    if (!project) throw new AppError('project_not_found', `project ${projectId} was not found`);
    return project;
  }

  list(clientId: string, limit: number, afterId?: string) {
    return this.repo.list(clientId, { limit, afterId });
  }

  async listArtifacts(clientId: string, projectId: string) {
    await this.get(clientId, projectId);
    return this.artifacts.list(clientId, projectId);
  }

  async readArtifact(clientId: string, projectId: string, name: string) {
    await this.get(clientId, projectId);
    const found = await this.artifacts.read(clientId, projectId, name);
    if (!found)
      throw new AppError('artifact_not_found', `artifact ${name} was not found for project ${projectId}`);
    return found;
  }
}
