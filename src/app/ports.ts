import type { ApiKeyRecord, ClientRecord } from '../domain/api-key.ts';
import type { Lease, StageMessage } from '../domain/pipeline.ts';
import type { Artifact, Project, Stage } from '../domain/project.ts';
import type { MetricName } from '../observability/metrics.ts';

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

export interface ProjectState {
  project: Project;
  lease?: Lease;
}

export interface ProjectRepository {
  /** Writes a new project; returns false when a project with that id already exists. */
  create(project: Project): Promise<boolean>;
  /** The project with its pipeline lease (internal state the API never shows). */
  getState(clientId: string, projectId: string): Promise<ProjectState | undefined>;
  /** Replaces the project if its stored version is still `expectedVersion`; false otherwise. */
  save(state: ProjectState, expectedVersion: number): Promise<boolean>;
  /**
   * Unfinished projects last updated before `before` (ISO), oldest first, at most `limit`; `next`
   * (when more may follow) continues the listing when passed back as `after`.
   */
  listActive(
    before: string,
    limit: number,
    after?: string,
  ): Promise<{ items: { clientId: string; projectId: string; updatedAt: string }[]; next?: string }>;
  getIdempotencyRecord(clientId: string, key: string, now: Date): Promise<IdempotencyRecord | undefined>;
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

/**
 * The ids of a client's unfinished projects, kept as one set per client so the running cap is
 * exact under concurrency (see docs/ARCHITECTURE.md "Running-projects cap"). Adding or removing an
 * id twice changes nothing, so retries and duplicate deliveries never count twice.
 */
export interface RunningSlots {
  /** Adds `projectId` unless the client already holds `cap` ids; false when refused. One conditional write. */
  acquire(clientId: string, projectId: string, cap: number): Promise<boolean>;
  /** Adds `projectId` whatever the cap (a project that runs again: replayed creation, retry). */
  hold(clientId: string, projectId: string): Promise<void>;
  /** Removes `projectId`; false when it was not held. */
  release(clientId: string, projectId: string): Promise<boolean>;
  /** The held ids, read consistently. */
  held(clientId: string): Promise<string[]>;
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

/** Names and dimensions come from src/observability/metrics.ts (one source for alarms and widgets). */
export interface MetricsSink {
  count(name: MetricName, dimensions?: Record<string, string>): void;
  /** A measured value: `Milliseconds`, `Count`… */
  record(
    name: MetricName,
    value: number,
    unit: 'Milliseconds' | 'Count',
    dimensions?: Record<string, string>,
  ): void;
}

export interface AuditLog {
  record(entry: {
    action: string;
    actor: string;
    target: string;
    details?: Record<string, unknown>;
  }): Promise<void>;
}

export interface ModelContext {
  /** Instructions for the model (the agent's role). */
  system: string;
  maxTokens: number;
  project: { id: string; name: string; type: string; description: string };
  /** Earlier stages' artifacts and QA findings the stage builds on, by name. */
  inputs: Record<string, string>;
}

export interface ModelResult {
  text: string;
  /** e.g. `bedrock:anthropic.claude-…` or `template:v1`. */
  provider: string;
  inputTokens: number;
  outputTokens: number;
}

/** The one interface agents call a language model through (Bedrock in AWS, a template offline). */
export interface ModelProvider {
  generate(stage: Stage, prompt: string, context: ModelContext): Promise<ModelResult>;
}

export interface QueueMessage<T> {
  body: T;
  /** 1 on the first delivery. */
  receiveCount: number;
}

/** Stage queues (SQS in AWS, a durable in-process queue locally), one per stage, each with a DLQ. */
export interface StageQueue {
  send(message: StageMessage, opts?: { delaySeconds?: number }): Promise<void>;
}

export interface BlobWriter {
  write(clientId: string, projectId: string, stage: Stage, name: string, body: string): Promise<void>;
}
