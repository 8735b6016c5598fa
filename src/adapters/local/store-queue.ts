import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { Clock, StageQueue } from '../../app/ports.ts';
import { backoffMs } from '../../domain/backoff.ts';
import type { StageMessage } from '../../domain/pipeline.ts';
import { STAGES, type Stage } from '../../domain/project.ts';
import { isConditionalCheckFailed } from '../aws/dynamo.ts';

export interface LocalQueueOptions {
  /** How long a received message stays invisible while its handler runs. Default 60 s. */
  visibilityTimeoutMs?: number;
  /** Deliveries before a message moves to the stage's DLQ (SQS maxReceiveCount). Default 3. */
  maxReceives?: number;
  /** Backoff between failed deliveries. Default base 500 ms, cap 30 s, full jitter. */
  backoff?: { baseMs: number; capMs: number };
  pollIntervalMs?: number;
  /** Messages handled at once per stage. Default 4. */
  concurrency?: number;
}

export interface DlqMessage {
  id: string;
  stage: Stage;
  body: StageMessage;
  receiveCount: number;
  failedAt: string;
  error?: string;
}

type Handler = (message: StageMessage, receiveCount: number) => Promise<unknown>;

const nextId = monotonicFactory();

/**
 * Local stage queues with SQS semantics, kept in the embedded store so they survive restarts and
 * the CLI can list and redrive dead letters: visibility timeout, receive count, DLQ after
 * `maxReceives`, delayed delivery, and backoff with jitter between failed deliveries.
 */
export class LocalStageQueue implements StageQueue {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busy = new Map<Stage, number>();
  private readonly opts: Required<LocalQueueOptions>;
  private stopping = false;
  private onError: (error: unknown) => void = () => {};
  private polling?: Promise<void>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    opts: LocalQueueOptions = {},
  ) {
    this.opts = {
      visibilityTimeoutMs: opts.visibilityTimeoutMs ?? 60_000,
      maxReceives: opts.maxReceives ?? 3,
      backoff: opts.backoff ?? { baseMs: 500, capMs: 30_000 },
      pollIntervalMs: opts.pollIntervalMs ?? 100,
      concurrency: opts.concurrency ?? 4,
    };
  }

  async send(message: StageMessage, opts: { delaySeconds?: number } = {}) {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: message.stage,
          SK: nextId(),
          body: message,
          receiveCount: 0,
          visibleAt: this.clock.now().getTime() + (opts.delaySeconds ?? 0) * 1000,
        },
      }),
    );
  }

  /** Starts polling every stage queue, handing messages to `handler`. */
  start(handler: Handler, onError: (error: unknown) => void = () => {}) {
    this.onError = onError;
    const tick = async () => {
      if (this.stopping) return;
      try {
        await Promise.all(STAGES.map((stage) => this.pollOnce(stage, handler)));
      } catch (error) {
        onError(error);
      }
      if (!this.stopping) this.timer = setTimeout(run, this.opts.pollIntervalMs);
    };
    const run = () => {
      this.polling = tick();
    };
    this.timer = setTimeout(run, 0);
  }

  /**
   * Stops polling and waits for the poll under way and every message being handled, so nothing
   * is delivered after stop() returns.
   */
  async stop() {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.polling;
    await Promise.allSettled([...this.inFlight]);
  }

  async pollOnce(stage: Stage, handler: Handler) {
    const free = this.opts.concurrency - (this.busy.get(stage) ?? 0);
    if (free <= 0) return;
    const now = this.clock.now().getTime();
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        FilterExpression: 'visibleAt <= :now',
        ExpressionAttributeValues: { ':pk': stage, ':now': now },
        Limit: 100,
      }),
    );
    for (const item of Items.slice(0, free)) {
      if (this.stopping) return;
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
      this.busy.set(stage, (this.busy.get(stage) ?? 0) + 1);
      const run = this.deliver(stage, String(item.SK), item.body as StageMessage, receiveCount, handler)
        .catch((error: unknown) => this.onError(error))
        .finally(() => {
          this.busy.set(stage, (this.busy.get(stage) ?? 1) - 1);
          this.inFlight.delete(run);
        });
      this.inFlight.add(run);
    }
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
    const { Count = 0 } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': stage },
        Select: 'COUNT',
      }),
    );
    return Count;
  }

  async listDlq(stage: Stage): Promise<DlqMessage[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `dlq#${stage}` },
      }),
    );
    return Items.map((i) => ({
      id: String(i.SK),
      stage,
      body: i.body as StageMessage,
      receiveCount: Number(i.receiveCount),
      failedAt: String(i.failedAt),
      ...(i.error && { error: String(i.error) }),
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
