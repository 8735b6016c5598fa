import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../app/logger.ts';
import type { StageQueue } from '../app/ports.ts';
import type { DeliverStage } from '../app/stage-delivery.ts';

/** Longest delay SQS allows on SendMessage (DelaySeconds). */
const MAX_SEND_DELAY_SECONDS = 900;

/** Delays a received message's next delivery on its own queue (SQS: ChangeMessageVisibility). */
export interface RedeliveryQueue extends StageQueue {
  retryAfter(eventSourceArn: string, receiptHandle: string, seconds: number): Promise<void>;
}

/** A record the application decided to deliver again: reported as a batch item failure. */
export class StageRedelivery extends Error {
  override readonly name = 'StageRedelivery';
}

/**
 * SQS batch handler for the stage workers: each record goes through the application's one worker
 * path (src/app/stage-delivery.ts) on its own, and its decision is carried out with SQS means,
 * failures reported per record (partial batch response) so one bad message never re-runs its
 * neighbours:
 * - done: the record succeeds and the event source mapping deletes it;
 * - retry: ChangeMessageVisibility to the backoff delay, then a batch item failure (the receive counts);
 * - requeue (our infrastructure failed): a fresh copy sent with the delay and the record succeeds,
 *   so the outage spends no receive of the redrive policy; if SQS refuses the copy, as retry;
 * - dead-letter: visible again at once and a batch item failure; the queue's redrive policy moves
 *   it to the DLQ after maxReceiveCount receives (the same number as the application's attempts).
 */
export function createStageWorker(deps: { deliver: DeliverStage; queue: RedeliveryQueue; logger: Logger }) {
  const processor = new BatchProcessor(EventType.SQS);

  const deliverLater = async (record: SQSRecord, seconds: number) => {
    // The record's queue, not the body's stage: the receipt handle belongs to the queue it came from.
    await deps.queue.retryAfter(record.eventSourceARN, record.receiptHandle, seconds).catch((e: unknown) => {
      deps.logger.warn('could not delay retry', {
        event: 'retry_delay_failed',
        messageId: record.messageId,
        queue: record.eventSourceARN,
        error: e,
      });
    });
  };

  const recordHandler = async (record: SQSRecord) => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    const decision = await deps.deliver({ body: record.body, receiveCount });
    switch (decision.action) {
      case 'done':
        return decision.outcome;
      case 'requeue':
        try {
          await deps.queue.send(decision.message, {
            delaySeconds: Math.min(MAX_SEND_DELAY_SECONDS, Math.ceil(decision.delayMs / 1000)),
          });
          return 'requeued';
        } catch (error) {
          deps.logger.warn('could not requeue; the delivery will count', {
            event: 'requeue_failed',
            messageId: record.messageId,
            error,
          });
          await deliverLater(record, decision.delayMs / 1000);
          throw new StageRedelivery(decision.reason);
        }
      case 'retry':
        await deliverLater(record, decision.delayMs / 1000);
        throw new StageRedelivery(decision.reason);
      case 'dead-letter':
        await deliverLater(record, 0);
        throw new StageRedelivery(decision.reason);
    }
  };
  return (event: SQSEvent) => processPartialResponse(event, recordHandler, processor);
}
