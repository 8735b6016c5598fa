import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { StageQueue } from '../../app/ports.ts';
import type { StageMessage } from '../../domain/pipeline.ts';
import type { Stage } from '../../domain/project.ts';

export type QueueUrls = Record<Stage, string>;

/** One SQS queue per stage (each with its DLQ, maxReceiveCount 3, configured by CDK). */
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

  async count(stage: Stage): Promise<number> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.dlqUrls[stage],
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  /**
   * Peeks at up to 10 dead letters. Receiving makes them invisible for a few seconds and raises
   * their receive count; they stay in the DLQ.
   */
  async peek(stage: Stage) {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.dlqUrls[stage],
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 5,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    return Messages.map((m) => ({
      id: m.MessageId ?? '',
      body: safeParse(m.Body),
      attributes: m.Attributes ?? {},
    }));
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

function safeParse(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return body;
  }
}
