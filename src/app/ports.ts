import type { Artifact, Project } from '../domain/project.ts';

/** Ports: what the use cases need from the outside world. Adapters in src/adapters implement them. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdempotencyRecord {
  clientId: string;
  key: string;
  requestHash: string;
  projectId: string;
  createdAt: string;
  /** Epoch seconds after which the key may be reused (DynamoDB TTL attribute). */
  expiresAt: number;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

export interface ProjectPage {
  items: Project[];
  /** Id of the last item when more items follow. */
  lastId?: string;
}

export interface ProjectRepository {
  /** Writes a new project; returns false when a project with that id already exists. */
  create(project: Project): Promise<boolean>;
  get(clientId: string, projectId: string): Promise<Project | undefined>;
  /** Newest first. */
  list(clientId: string, opts: { limit: number; afterId?: string }): Promise<ProjectPage>;
  /** Atomically claims an idempotency key, or returns the live record that holds it. */
  claimIdempotencyKey(record: IdempotencyRecord, now: Date): Promise<ClaimResult>;
}

export interface ArtifactStore {
  list(clientId: string, projectId: string): Promise<Artifact[]>;
  read(
    clientId: string,
    projectId: string,
    name: string,
  ): Promise<{ artifact: Artifact; body: Buffer } | undefined>;
}

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}
