import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { Clock, StageQueue } from '../../app/ports.ts';
import { backoffMs } from '../../domain/backoff.ts';
import type { StageMessage } from '../../domain/pipeline.ts';
import { STAGES, type Stage } from '../../domain/project.ts';
import { isConditionalCheckFailed } from '../dynamodb/client.ts';

export interface LocalQueueOptions {
  /** How long a received message stays invisible while its handler runs. Default 60 s. */
  visibilityTimeoutMs?: number;
  /** Deliveries before a message moves to the stage's DLQ (SQS maxReceiveCount). Default 3. */
  maxReceives?: number;
  /** Backoff between failed deliveries. Default base 500 ms, cap 30 s, full jitter. */
  backoff?: { baseMs: number; capMs: number };
  /** Delay between polls while a stage has work. Default 100 ms. */
  pollIntervalMs?: number;
  /**
   * Longest delay between polls of an empty stage (the interval doubles from `pollIntervalMs` up to
   * this). Bounds how late a message sent by another process (the CLI's redrive) is seen. Default 2 s.
   */
  maxPollIntervalMs?: number;
  /** Messages handled at once per stage. Default 4. */
  concurrency?: number;
  /** Timer functions (tests inject fake ones). */
  timers?: QueueTimers;
}

export interface QueueTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: QueueTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DlqMessage {
  id: string;
  stage: Stage;
  body: StageMessage;
  receiveCount: number;
  failedAt: string;
  error?: string;
}

/** What one poll of a stage found. */
export interface PollResult {
  /** Messages received and handed to the handler. */
  received: number;
  /** When the earliest message not yet visible becomes visible (epoch ms), if the poll saw one. */
  nextVisibleAt?: number;
}

type Handler = (message: StageMessage, receiveCount: number) => Promise<unknown>;
type Item = Record<string, unknown>;

interface StageLoop {
  timer?: unknown;
  /** The delay before the next poll if this one finds nothing. */
  idleMs: number;
  polling?: Promise<void>;
  /** A wake-up arrived during the poll under way: poll again as soon as it ends. */
  again: boolean;
}

/** Items read per store request when scanning a queue for visible messages. */
const PAGE_SIZE = 100;

const nextId = monotonicFactory();

/**
 * Local stage queues with SQS semantics, kept in the embedded store so they survive restarts and
 * the CLI can list and redrive dead letters: visibility timeout, receive count, DLQ after
 * `maxReceives`, delayed delivery, and backoff with jitter between failed deliveries.
 *
 * Idle queues are cheap: each stage polls on its own timer, which doubles from `pollIntervalMs` to
 * `maxPollIntervalMs` while the stage is empty and wakes early for a delayed message that becomes
 * visible. `send()` on this instance (the in-process producer) and a finished delivery wake the
 * stage's poller at once; other processes' messages are seen within `maxPollIntervalMs`.
 */
export class LocalStageQueue implements StageQueue {
  private readonly loops = new Map<Stage, StageLoop>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busy = new Map<Stage, number>();
  private readonly opts: Required<Omit<LocalQueueOptions, 'timers'>>;
  private readonly timers: QueueTimers;
  private stopping = false;
  private handler?: Handler;
  private onError: (error: unknown) => void = () => {};

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    opts: LocalQueueOptions = {},
  ) {
    const pollIntervalMs = opts.pollIntervalMs ?? 100;
    this.opts = {
      visibilityTimeoutMs: opts.visibilityTimeoutMs ?? 60_000,
      maxReceives: opts.maxReceives ?? 3,
      backoff: opts.backoff ?? { baseMs: 500, capMs: 30_000 },
      pollIntervalMs,
      maxPollIntervalMs: Math.max(pollIntervalMs, opts.maxPollIntervalMs ?? 2_000),
      concurrency: opts.concurrency ?? 4,
    };
    this.timers = opts.timers ?? realTimers;
  }

  async send(message: StageMessage, opts: { delaySeconds?: number } = {}) {
    const delayMs = (opts.delaySeconds ?? 0) * 1000;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: message.stage,
          SK: nextId(),
          body: message,
          receiveCount: 0,
          visibleAt: this.clock.now().getTime() + delayMs,
        },
      }),
    );
    // A delayed message is found by the next poll, which wakes when it becomes visible.
    if (delayMs === 0) this.wake(message.stage);
  }

  /** Starts polling every stage queue, handing messages to `handler`. */
  start(handler: Handler, onError: (error: unknown) => void = () => {}) {
    this.handler = handler;
    this.onError = onError;
    for (const stage of STAGES) {
      this.loops.set(stage, { idleMs: this.opts.pollIntervalMs, again: false });
      this.schedule(stage, 0);
    }
  }

  /**
   * Stops polling and waits for the polls under way and every message being handled, so nothing
   * is delivered after stop() returns.
   */
  async stop() {
    this.stopping = true;
    for (const loop of this.loops.values()) {
      if (loop.timer !== undefined) this.timers.clear(loop.timer);
      loop.timer = undefined;
    }
    await this.whenSettled();
  }

  /** Resolves once no poll is under way and no message is being handled (what is left is timers). */
  async whenSettled() {
    await Promise.all([...this.loops.values()].map((loop) => loop.polling));
    await Promise.allSettled([...this.inFlight]);
  }

  /** A message for `stage` may be waiting: poll it now, and at the short interval after that. */
  private wake(stage: Stage) {
    const loop = this.loops.get(stage);
    if (!loop || this.stopping) return;
    loop.idleMs = this.opts.pollIntervalMs;
    if (loop.polling) loop.again = true;
    else this.schedule(stage, 0);
  }

  private schedule(stage: Stage, ms: number) {
    const loop = this.loops.get(stage);
    if (!loop || this.stopping) return;
    if (loop.timer !== undefined) this.timers.clear(loop.timer);
    loop.timer = this.timers.set(() => {
      loop.timer = undefined;
      this.run(stage, loop);
    }, ms);
  }

  private run(stage: Stage, loop: StageLoop) {
    if (this.stopping || loop.polling || !this.handler) return;
    loop.again = false;
    loop.polling = this.pollOnce(stage, this.handler)
      .catch((error: unknown) => {
        this.onError(error);
        return undefined;
      })
      .then((result) => {
        loop.polling = undefined;
        this.schedule(stage, this.nextDelay(loop, result));
      });
  }

  private nextDelay(loop: StageLoop, result: PollResult | undefined): number {
    if (loop.again) return 0;
    if (result && result.received > 0) {
      loop.idleMs = this.opts.pollIntervalMs;
      return loop.idleMs;
    }
    // Nothing received (or the poll failed): back off, but not past the earliest delayed message.
    const delay = loop.idleMs;
    loop.idleMs = Math.min(loop.idleMs * 2, this.opts.maxPollIntervalMs);
    if (result?.nextVisibleAt === undefined) return delay;
    return Math.max(0, Math.min(delay, result.nextVisibleAt - this.clock.now().getTime()));
  }

  /** One poll of `stage`: receives up to the free concurrency's worth of visible messages. */
  async pollOnce(stage: Stage, handler: Handler): Promise<PollResult> {
    const free = this.opts.concurrency - (this.busy.get(stage) ?? 0);
    if (free <= 0) return { received: 0 };
    const now = this.clock.now().getTime();
    const { visible, nextVisibleAt } = await this.findVisible(stage, now, free);
    let received = 0;
    for (const item of visible) {
      if (this.stopping) break;
      const receiveCount = Number(item.receiveCount) + 1;
      try {
        // Receive = make invisible, conditionally, so two pollers never take the same message.
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { PK: stage, SK: item.SK },
            UpdateExpression: 'SET visibleAt = :until, receiveCount = :count',
            ConditionExpression: 'visibleAt = :seen',
            ExpressionAttributeValues: {
              ':until': now + this.opts.visibilityTimeoutMs,
              ':count': receiveCount,
              ':seen': item.visibleAt,
            },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) continue;
        throw error;
      }
      received++;
      this.busy.set(stage, (this.busy.get(stage) ?? 0) + 1);
      const run = this.deliver(stage, String(item.SK), item.body as StageMessage, receiveCount, handler)
        .catch((error: unknown) => this.onError(error))
        .finally(() => {
          this.busy.set(stage, (this.busy.get(stage) ?? 1) - 1);
          this.inFlight.delete(run);
          // A slot is free, and more messages may be waiting.
          this.wake(stage);
        });
      this.inFlight.add(run);
    }
    return { received, ...(nextVisibleAt !== undefined && { nextVisibleAt }) };
  }

  /**
   * The first `wanted` visible messages in send order, reading page after page: a filter applied
   * after a store-side Limit would miss a visible message behind a page of delayed ones. When none
   * is visible, also when the earliest one will be.
   */
  private async findVisible(stage: Stage, now: number, wanted: number) {
    const visible: Item[] = [];
    let nextVisibleAt: number | undefined;
    for await (const page of this.pages(stage, PAGE_SIZE)) {
      for (const item of page.Items ?? []) {
        const at = Number(item.visibleAt);
        if (at <= now) visible.push(item);
        else nextVisibleAt = Math.min(nextVisibleAt ?? at, at);
      }
      if (visible.length >= wanted) break;
    }
    return { visible: visible.slice(0, wanted), nextVisibleAt };
  }

  /** Every page of one partition (a Query returns at most 1 MB, or `pageSize` items). */
  private pages(pk: string, pageSize?: number, select?: 'COUNT') {
    return paginateQuery(
      { client: this.db, ...(pageSize !== undefined && { pageSize }) },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(select && { Select: select }),
      },
    );
  }

  private async deliver(
    stage: Stage,
    id: string,
    body: StageMessage,
    receiveCount: number,
    handler: Handler,
  ) {
    const key = { PK: stage, SK: id };
    try {
      await handler(body, receiveCount);
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (receiveCount >= this.opts.maxReceives) {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              PK: `dlq#${stage}`,
              SK: id,
              body,
              receiveCount,
              failedAt: this.clock.now().toISOString(),
              error: reason,
            },
          }),
        );
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
        return;
      }
      const delay = backoffMs(receiveCount, this.opts.backoff);
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET visibleAt = :at',
          ExpressionAttributeValues: { ':at': this.clock.now().getTime() + delay },
        }),
      );
    }
  }

  async depth(stage: Stage): Promise<number> {
    let count = 0;
    for await (const page of this.pages(stage, undefined, 'COUNT')) count += page.Count ?? 0;
    return count;
  }

  /** Every dead letter of `stage`, reading page after page (a Query returns at most 1 MB). */
  async listDlq(stage: Stage): Promise<DlqMessage[]> {
    const items: Item[] = [];
    for await (const page of this.pages(`dlq#${stage}`)) items.push(...(page.Items ?? []));
    return items.map((i) => ({
      id: String(i.SK),
      stage,
      body: i.body as StageMessage,
      receiveCount: Number(i.receiveCount),
      failedAt: String(i.failedAt),
      ...(i.error !== undefined && { error: String(i.error) }),
    }));
  }

  /** Moves every dead letter of `stage` back to its queue with a fresh receive count. */
  async redrive(stage: Stage): Promise<number> {
    const dead = await this.listDlq(stage);
    for (const message of dead) {
      await this.send(message.body);
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: { PK: `dlq#${stage}`, SK: message.id } }),
      );
    }
    return dead.length;
  }
}
