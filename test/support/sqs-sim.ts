import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  type ChangeMessageVisibilityCommandInput,
  SendMessageCommand,
  type SendMessageCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SQSClientResolvedConfig,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AwsStub } from 'aws-sdk-client-mock';

/**
 * Standard SQS queues with redrive policies and a Lambda event source mapping, as the stage queues
 * are deployed: what a message goes through between `SendMessage` and the worker, under a clock the
 * test moves. Receipt handles are new on every receive and valid only on their own queue
 * (`ReceiptHandleIsInvalid` otherwise); a receive beyond `maxReceiveCount` moves the message to the
 * dead-letter queue instead of delivering it; the mapping deletes what the handler did not report
 * in `batchItemFailures` and leaves the rest to come back when their visibility ends.
 */
export interface SimQueueSpec {
  name: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

interface SimMessage {
  messageId: string;
  body: string;
  attributes: Record<string, { DataType?: string; StringValue?: string }>;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
  receiptHandle?: string;
}

interface SimQueue extends SimQueueSpec {
  url: string;
  arn: string;
  dlq: { url: string; arn: string; messages: SimMessage[] };
  messages: SimMessage[];
}

export class SqsSimulator {
  private readonly queues = new Map<string, SimQueue>();
  private seq = 0;
  now: number;

  constructor(
    stub: AwsStub<ServiceInputTypes, ServiceOutputTypes, SQSClientResolvedConfig>,
    specs: SimQueueSpec[],
    opts: { region?: string; account?: string; start?: number } = {},
  ) {
    const region = opts.region ?? 'us-east-1';
    const account = opts.account ?? '123456789012';
    this.now = opts.start ?? Date.parse('2026-11-23T06:00:00Z');
    for (const spec of specs) {
      const url = (name: string) => `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      const arn = (name: string) => `arn:aws:sqs:${region}:${account}:${name}`;
      this.queues.set(url(spec.name), {
        ...spec,
        url: url(spec.name),
        arn: arn(spec.name),
        dlq: { url: url(`${spec.name}-dlq`), arn: arn(`${spec.name}-dlq`), messages: [] },
        messages: [],
      });
    }
    stub.on(SendMessageCommand).callsFake(async (input: SendMessageCommandInput) => this.send(input));
    stub
      .on(ChangeMessageVisibilityCommand)
      .callsFake(async (input: ChangeMessageVisibilityCommandInput) => this.changeVisibility(input));
  }

  url(name: string) {
    return [...this.queues.values()].find((q) => q.name === name)!.url;
  }

  arn(name: string) {
    return [...this.queues.values()].find((q) => q.name === name)!.arn;
  }

  /** Messages in a queue, visible or not (what ApproximateNumberOfMessages + NotVisible count). */
  depth(name: string) {
    return this.queue(name).messages.length;
  }

  deadLetters(name: string) {
    return this.queue(name).dlq.messages.map((m) => ({ body: m.body, receiveCount: m.receiveCount }));
  }

  advance(ms: number) {
    this.now += ms;
  }

  private queue(name: string) {
    const q = [...this.queues.values()].find((x) => x.name === name);
    if (!q) throw new Error(`no queue ${name}`);
    return q;
  }

  private send(input: SendMessageCommandInput) {
    const q = this.queues.get(input.QueueUrl ?? '');
    if (!q)
      throw Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    const messageId = `00000000-0000-4000-8000-${String(++this.seq).padStart(12, '0')}`;
    q.messages.push({
      messageId,
      body: input.MessageBody ?? '',
      attributes: (input.MessageAttributes ?? {}) as SimMessage['attributes'],
      sentAt: this.now,
      receiveCount: 0,
      visibleAt: this.now + (input.DelaySeconds ?? 0) * 1000,
    });
    return { MessageId: messageId, MD5OfMessageBody: md5(input.MessageBody ?? '') };
  }

  private changeVisibility(input: ChangeMessageVisibilityCommandInput) {
    const q = this.queues.get(input.QueueUrl ?? '');
    const message = q?.messages.find((m) => m.receiptHandle === input.ReceiptHandle);
    if (!message) {
      throw Object.assign(
        new Error(`The input receipt handle "${input.ReceiptHandle}" is not a valid receipt handle.`),
        {
          name: 'ReceiptHandleIsInvalid',
        },
      );
    }
    message.visibleAt = this.now + (input.VisibilityTimeout ?? 0) * 1000;
    return {};
  }

  /**
   * One poll of the event source mapping: receives up to `batchSize` visible messages (moving any
   * over `maxReceiveCount` to the DLQ), invokes the handler, then deletes the records it did not
   * report as failed. A handler that throws fails the whole batch.
   */
  async deliver(
    name: string,
    handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
    batchSize = 5,
  ): Promise<{ records: SQSRecord[]; response?: SQSBatchResponse; error?: unknown }> {
    const q = this.queue(name);
    const batch: SimMessage[] = [];
    for (const message of [...q.messages]) {
      if (batch.length >= batchSize) break;
      if (message.visibleAt > this.now) continue;
      if (message.receiveCount >= q.maxReceiveCount) {
        q.messages.splice(q.messages.indexOf(message), 1);
        q.dlq.messages.push({ ...message, receiptHandle: undefined });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= this.now;
      message.receiptHandle = `AQEB${createHash('sha256')
        .update(`${q.url}#${message.messageId}#${++this.seq}`)
        .digest('base64url')}`;
      message.visibleAt = this.now + q.visibilityTimeoutSeconds * 1000;
      batch.push(message);
    }
    if (batch.length === 0) return { records: [] };
    const region = q.arn.split(':')[3]!;
    const records: SQSRecord[] = batch.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.receiptHandle!,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'AROAEXAMPLE:agenticai-dev-api',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
      },
      // Lambda's shape for message attributes: camelCase, unlike the SQS API's.
      messageAttributes: Object.fromEntries(
        Object.entries(m.attributes).map(([k, v]) => [
          k,
          {
            stringValue: v.StringValue,
            dataType: v.DataType ?? 'String',
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: q.arn,
      awsRegion: region,
    }));
    let response: SQSBatchResponse | undefined;
    try {
      response = (await handler({ Records: records })) ?? { batchItemFailures: [] };
    } catch (error) {
      return { records, error };
    }
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of batch) if (!failed.has(m.messageId)) q.messages.splice(q.messages.indexOf(m), 1);
    return { records, response };
  }
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
