import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { StageQueue } from '../../app/ports.ts';
import type { StageMessage } from '../../domain/pipeline.ts';
import type { Stage } from '../../domain/project.ts';

export type QueueUrls = Record<Stage, string>;

/** One SQS queue per stage, each with its DLQ after `maxReceiveCount` receives (CDK; the same number as PIPELINE_MAX_ATTEMPTS). */
export class SqsStageQueue implements StageQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: QueueUrls,
  ) {}

  async send(message: StageMessage, opts: { delaySeconds?: number } = {}) {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urls[message.stage],
        MessageBody: JSON.stringify(message),
        DelaySeconds: opts.delaySeconds,
        MessageAttributes: { correlationId: { DataType: 'String', StringValue: message.correlationId } },
      }),
    );
  }

  /**
   * Delays the next delivery of a failed message (backoff), instead of the fixed visibility timeout.
   * The queue is the one the message came from — the record's `eventSourceARN` — never what its body
   * says: a receipt handle is only valid on the queue that issued it.
   */
  async retryAfter(eventSourceArn: string, receiptHandle: string, seconds: number) {
    const queueUrl = this.urlForArn(eventSourceArn);
    if (!queueUrl) throw new Error(`no stage queue has the ARN ${eventSourceArn}`);
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }

  /** The stage queue's URL for an ARN (`arn:aws:sqs:region:account:name` ↔ `…/account/name`). */
  urlForArn(arn: string): string | undefined {
    const [, partition, service, , account, name] = arn.split(':');
    if (!partition || service !== 'sqs' || !account || !name) return undefined;
    return Object.values(this.urls).find((url) => {
      const [urlAccount, urlName] = new URL(url).pathname.split('/').filter(Boolean);
      return urlAccount === account && urlName === name;
    });
  }
}

/** Dead-letter queues of the stages, for `agenticai dlq list|redrive` against AWS. */
export class SqsDeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly dlqUrls: QueueUrls,
    private readonly dlqArns: QueueUrls,
  ) {}

  /**
   * Every message the DLQ holds: visible, in flight (being peeked or received) and delayed. Each
   * figure is approximate (SQS), but leaving two out made a DLQ under inspection look empty.
   */
  async count(stage: Stage): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.dlqUrls[stage],
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  }

  /**
   * Peeks at up to `limit` dead letters without taking them: long polling (a short poll samples a
   * subset of servers and can answer nothing from a non-empty queue), repeated until a receive
   * brings nothing new, with VisibilityTimeout 0 so they stay available to a redrive. Each peek
   * raises a message's receive count, which a DLQ does not act on.
   */
  async peek(stage: Stage, opts: { limit?: number; waitSeconds?: number; maxReceives?: number } = {}) {
    const limit = opts.limit ?? 10;
    const found = new Map<string, DeadLetter>();
    for (let round = 0; round < (opts.maxReceives ?? 5) && found.size < limit; round++) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.dlqUrls[stage],
          MaxNumberOfMessages: Math.min(10, limit - found.size),
          WaitTimeSeconds: opts.waitSeconds ?? 2,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !found.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) found.set(m.MessageId!, toDeadLetter(stage, m));
    }
    return [...found.values()].slice(0, limit);
  }

  /** Moves the DLQ's messages back to the source queue (SQS message move task). */
  async redrive(stage: Stage) {
    const running = await this.sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: this.dlqArns[stage], MaxResults: 1 }),
    );
    if (running.Results?.[0]?.Status === 'RUNNING')
      return { taskHandle: running.Results[0].TaskHandle, alreadyRunning: true };
    const { TaskHandle } = await this.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: this.dlqArns[stage] }),
    );
    return { taskHandle: TaskHandle, alreadyRunning: false };
  }
}

export interface DeadLetter {
  id: string;
  stage: Stage;
  body: unknown;
  correlationId?: string;
  receiveCount?: number;
  /** When the message was first sent to the stage queue. */
  sentAt?: string;
  /** The queue it was dead-lettered from. */
  sourceQueueArn?: string;
}

function toDeadLetter(stage: Stage, m: Message): DeadLetter {
  const attributes = m.Attributes ?? {};
  const body = safeParse(m.Body);
  const correlationId =
    m.MessageAttributes?.correlationId?.StringValue ??
    (body as { correlationId?: unknown } | undefined)?.correlationId;
  const sent = Number(attributes.SentTimestamp);
  return {
    id: m.MessageId ?? '',
    stage,
    body,
    ...(typeof correlationId === 'string' && { correlationId }),
    ...(attributes.ApproximateReceiveCount && { receiveCount: Number(attributes.ApproximateReceiveCount) }),
    ...(Number.isFinite(sent) && sent > 0 && { sentAt: new Date(sent).toISOString() }),
    ...(attributes.DeadLetterQueueSourceArn && { sourceQueueArn: attributes.DeadLetterQueueSourceArn }),
  };
}

function safeParse(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return body;
  }
}
