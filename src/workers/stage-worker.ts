import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../app/logger.ts';
import type { PipelineService } from '../app/pipeline.ts';
import { backoffMs } from '../domain/backoff.ts';
import type { StageMessage } from '../domain/pipeline.ts';
import { STAGES } from '../domain/project.ts';

/** Retry spacing for failed stage messages (the queue's visibility timeout is the upper bound). */
export const RETRY_BACKOFF = { baseMs: 5_000, capMs: 300_000 };

function parseMessage(record: SQSRecord): StageMessage {
  const body = JSON.parse(record.body) as Partial<StageMessage>;
  if (
    typeof body.projectId !== 'string' ||
    typeof body.clientId !== 'string' ||
    !STAGES.includes(body.stage as StageMessage['stage']) ||
    typeof body.correlationId !== 'string'
  ) {
    throw new Error('malformed stage message');
  }
  return body as StageMessage;
}

/**
 * SQS batch handler for the stage workers: each record is handled on its own and failures are
 * reported per record (partial batch response), so one bad message never re-runs its neighbours.
 * A failed record gets an exponential, jittered delay before its next delivery.
 */
/** Delays a received message's next delivery on its own queue (SQS: ChangeMessageVisibility). */
export interface RedeliveryQueue {
  retryAfter(eventSourceArn: string, receiptHandle: string, seconds: number): Promise<void>;
}

export function createStageWorker(deps: {
  pipeline: PipelineService;
  queue: RedeliveryQueue;
  logger: Logger;
}) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    let message: StageMessage;
    try {
      message = parseMessage(record);
    } catch (error) {
      deps.logger.error('unreadable stage message', {
        event: 'stage_message_invalid',
        messageId: record.messageId,
        error,
      });
      throw error;
    }
    try {
      return await deps.pipeline.handle(message, receiveCount);
    } catch (error) {
      const delay = backoffMs(receiveCount, RETRY_BACKOFF) / 1000;
      // The record's queue, not the body's stage: the receipt handle belongs to the queue it came from.
      await deps.queue.retryAfter(record.eventSourceARN, record.receiptHandle, delay).catch((e: unknown) => {
        deps.logger.warn('could not delay retry', {
          event: 'retry_delay_failed',
          messageId: record.messageId,
          queue: record.eventSourceARN,
          error: e,
        });
      });
      throw error;
    }
  };
  return (event: SQSEvent) => processPartialResponse(event, recordHandler, processor);
}
