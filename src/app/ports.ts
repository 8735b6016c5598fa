import type { ApiKeyRecord, ClientRecord } from '../domain/api-key.ts';
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

export interface KeyRepository {
  getKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  /** Fails (returns false) when a record with that id already exists. */
  putKey(key: ApiKeyRecord): Promise<boolean>;
  putClient(client: ClientRecord): Promise<boolean>;
  listKeys(): Promise<ApiKeyRecord[]>;
  listClients(): Promise<ClientRecord[]>;
  /**
   * Applies `changes` to an existing key; with `activeAt`, only if the key is active (not revoked,
   * not expired) at that instant. False when the condition does not hold.
   */
  updateKey(
    keyId: string,
    changes: Partial<Pick<ApiKeyRecord, 'status' | 'revokedAt' | 'expiresAt' | 'rotatedTo'>>,
    opts?: { activeAt?: string },
  ): Promise<boolean>;
  setClientLimit(clientId: string, hourlyLimit: number): Promise<boolean>;
  /** Records use, skipping the write when the stored value is newer than `notBefore`. */
  touchKey(keyId: string, at: string, notBefore: string): Promise<void>;
  anyKeyExists(): Promise<boolean>;
}

export interface CounterStore {
  /**
   * Atomically counts one request in the client's window unless it already reached `limit`.
   * Returns the count after the increment, or undefined when the limit was already reached.
   */
  increment(
    clientId: string,
    windowId: string,
    limit: number,
    expiresAt: number,
  ): Promise<number | undefined>;
}

export interface Peppers {
  /** Version used for new hashes. */
  current: number;
  byVersion: ReadonlyMap<number, Buffer>;
}

export interface PepperSource {
  load(): Promise<Peppers>;
}

export interface MetricsSink {
  count(name: string, dimensions?: Record<string, string>): void;
}

export interface AuditLog {
  record(entry: {
    action: string;
    actor: string;
    target: string;
    details?: Record<string, unknown>;
  }): Promise<void>;
}
