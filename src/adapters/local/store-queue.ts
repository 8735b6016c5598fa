import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { Logger } from '../../app/logger.ts';
import type { Clock, StageQueue } from '../../app/ports.ts';
import type { DeliveryDecision, StageDelivery } from '../../app/stage-delivery.ts';
import type { StageMessage } from '../../domain/pipeline.ts';
import { STAGES, type Stage } from '../../domain/project.ts';
import { isConditionalCheckFailed } from '../dynamodb/client.ts';

export interface LocalQueueOptions {
  /** How long a received message stays invisible while its handler runs. Default 60 s. */
  visibilityTimeoutMs?: number;
  /** Delay between polls while a stage has work. Default 100 ms. */
  pollIntervalMs?: number;
  /**
   * Longest delay between polls of an empty stage (the interval doubles from `pollIntervalMs` up to
   * this). Bounds how late a message sent by another process (the CLI's redrive) is seen. Default 2 s.
   */
  maxPollIntervalMs?: number;
  /** Messages handled at once per stage. Default 4. */
  concurrency?: number;
  /** While polls keep failing (a store outage), repeat the warning at most this often. Default 60 s. */
  failureLogIntervalMs?: number;
  /** Timer functions (tests inject fake ones). */
  timers?: QueueTimers;
}

/** Where the queue lives and what it reports to. */
export interface LocalQueueDeps extends LocalQueueOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
  /** Poll failures and recoveries; default: none logged. */
  logger?: Logger;
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

/** The application's worker path: handles one delivery and says what to do with the message. */
type Deliver = (delivery: StageDelivery) => Promise<DeliveryDecision>;
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

/** The error's code (ENOSPC, LEVEL_IO_ERROR…) or name, for a log line without a stack trace. */
function errorCode(error: unknown): string {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = e.cause;
  }
  return error instanceof Error ? error.name : typeof error;
}

/**
 * Local stage queues with SQS semantics, kept in the embedded store so they survive restarts and
 * the CLI can list and redrive dead letters: visibility timeout, receive count, delayed delivery.
 * Whether a failed delivery is retried (and when) or dead-lettered is the application's decision
 * (src/app/stage-delivery.ts), the same as on SQS; this queue only carries it out.
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
  private readonly db: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private stopping = false;
  private deliverTo?: Deliver;
  /** Set while polls fail (one outage): when it began, failures so far, when it was last logged. */
  private outage?: { since: number; failures: number; loggedAt: number; code: string };

  constructor(deps: LocalQueueDeps) {
    ({ db: this.db, tableName: this.tableName, clock: this.clock, logger: this.logger } = deps);
    const pollIntervalMs = deps.pollIntervalMs ?? 100;
    this.opts = {
      visibilityTimeoutMs: deps.visibilityTimeoutMs ?? 60_000,
      pollIntervalMs,
      maxPollIntervalMs: Math.max(pollIntervalMs, deps.maxPollIntervalMs ?? 2_000),
      concurrency: deps.concurrency ?? 4,
      failureLogIntervalMs: deps.failureLogIntervalMs ?? 60_000,
    };
    this.timers = deps.timers ?? realTimers;
  }

  async send(message: StageMessage, opts: { delaySeconds?: number } = {}) {
    await this.enqueue(message.stage, message, (opts.delaySeconds ?? 0) * 1000);
  }

  private async enqueue(stage: Stage, body: unknown, delayMs: number) {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: stage,
          SK: nextId(),
          body,
          receiveCount: 0,
          visibleAt: this.clock.now().getTime() + delayMs,
        },
      }),
    );
    // A delayed message is found by the next poll, which wakes when it becomes visible.
    if (delayMs === 0) this.wake(stage);
  }

  /** Starts polling every stage queue, handing each delivery to `deliver` and carrying out its decision. */
  start(deliver: Deliver) {
    this.deliverTo = deliver;
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
    if (this.stopping || loop.polling || !this.deliverTo) return;
    loop.again = false;
    loop.polling = this.pollOnce(stage, this.deliverTo)
      .then(
        (result) => {
          this.pollSucceeded();
          return result;
        },
        (error: unknown) => {
          this.pollFailed(error);
          return undefined;
        },
      )
      .then((result) => {
        loop.polling = undefined;
        this.schedule(stage, this.nextDelay(loop, result));
      });
  }

  /**
   * A store outage fails every poll of every stage: one warning when polling starts failing (the
   * error code, no stack), a reminder at most every `failureLogIntervalMs`, one line on recovery.
   */
  private pollFailed(error: unknown) {
    const now = this.clock.now().getTime();
    const code = errorCode(error);
    if (!this.outage) {
      this.outage = { since: now, failures: 1, loggedAt: now, code };
      this.logger?.warn('stage queue polling failing; retrying', { event: 'queue_poll_failing', code });
      return;
    }
    this.outage.failures++;
    if (now - this.outage.loggedAt < this.opts.failureLogIntervalMs && code === this.outage.code) return;
    this.outage.loggedAt = now;
    this.outage.code = code;
    this.logger?.warn('stage queue polling still failing', {
      event: 'queue_poll_failing',
      code,
      failures: this.outage.failures,
      outageMs: now - this.outage.since,
    });
  }

  private pollSucceeded() {
    if (!this.outage) return;
    const { since, failures } = this.outage;
    this.outage = undefined;
    this.logger?.info('stage queue polling recovered', {
      event: 'queue_poll_recovered',
      failures,
      outageMs: this.clock.now().getTime() - since,
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
  async pollOnce(stage: Stage, deliver: Deliver): Promise<PollResult> {
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
      const run = this.deliver(stage, item, receiveCount, deliver)
        .catch((error: unknown) => {
          // The decision could not be carried out (store down): the message reappears after its
          // visibility timeout, as a message whose handler crashed does on SQS.
          this.logger?.warn('stage message left for redelivery', {
            event: 'queue_delivery_failed',
            stage,
            code: errorCode(error),
          });
        })
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

  private async deliver(stage: Stage, item: Item, receiveCount: number, deliver: Deliver) {
    const key = { PK: stage, SK: item.SK };
    const decision = await deliver({ body: item.body, receiveCount });
    const now = this.clock.now();
    switch (decision.action) {
      case 'done':
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
        return;
      case 'retry':
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET visibleAt = :at',
            ExpressionAttributeValues: { ':at': now.getTime() + decision.delayMs },
          }),
        );
        return;
      case 'requeue':
        // As if this delivery never happened: the receive count goes back to what it was.
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET visibleAt = :at, receiveCount = :count, body = :body',
            ExpressionAttributeValues: {
              ':at': now.getTime() + decision.delayMs,
              ':count': receiveCount - 1,
              ':body': decision.message,
            },
          }),
        );
        return;
      case 'dead-letter':
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              PK: `dlq#${stage}`,
              SK: item.SK,
              body: item.body,
              receiveCount,
              failedAt: now.toISOString(),
              error: decision.reason,
            },
          }),
        );
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
        return;
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
      // Back to the queue it was dead-lettered from, whatever its body says (as an SQS redrive).
      await this.enqueue(stage, message.body, 0);
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: { PK: `dlq#${stage}`, SK: message.id } }),
      );
    }
    return dead.length;
  }
}
