import { type BackoffPolicy, backoffMs, STAGE_RETRY_BACKOFF } from '../domain/backoff.ts';
import type { StageMessage } from '../domain/pipeline.ts';
import { STAGES } from '../domain/project.ts';
import type { Logger } from './logger.ts';
import { type HandleOutcome, INFRA_RETRY_BACKOFF, isInfrastructureFailure } from './pipeline.ts';

/** One delivery of a stage message, as any queue hands it over. */
export interface StageDelivery {
  /** The message body as received: JSON text (SQS) or the stored object (local queue). */
  body: unknown;
  /** Deliveries of this message so far, this one included (SQS ApproximateReceiveCount). */
  receiveCount: number;
}

/**
 * What the queue does with a delivery. The application decides; the queue adapters only carry it
 * out (local: visibility timestamp and DLQ rows; SQS: ChangeMessageVisibility, a batch item
 * failure, a fresh copy, and the redrive policy after maxReceiveCount).
 */
export type DeliveryDecision =
  /** Handled (or a duplicate): delete the message. */
  | { action: 'done'; outcome: HandleOutcome }
  /** The stage's work failed and attempts remain: deliver it again after `delayMs`; this delivery counts. */
  | { action: 'retry'; delayMs: number; reason: string }
  /**
   * Our infrastructure failed, not the stage's work: deliver `message` again after `delayMs` as if
   * this delivery never happened (no attempt spent).
   */
  | { action: 'requeue'; delayMs: number; message: StageMessage; reason: string }
  /** Attempts used up, or the message can never be handled: move it to the stage's dead-letter queue. */
  | { action: 'dead-letter'; reason: string };

export class MalformedStageMessage extends Error {
  override readonly name = 'MalformedStageMessage';
}

/** A stage message from a queue body (JSON text or an object); anything else is malformed. */
export function parseStageMessage(body: unknown): StageMessage {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new MalformedStageMessage('stage message is not JSON');
    }
  }
  const m = value as Partial<StageMessage> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.projectId !== 'string' ||
    typeof m.clientId !== 'string' ||
    !STAGES.includes(m.stage as StageMessage['stage']) ||
    typeof m.correlationId !== 'string' ||
    (m.infraRetries !== undefined && !(Number.isInteger(m.infraRetries) && m.infraRetries >= 0))
  ) {
    throw new MalformedStageMessage('malformed stage message');
  }
  return {
    projectId: m.projectId,
    clientId: m.clientId,
    stage: m.stage as StageMessage['stage'],
    correlationId: m.correlationId,
    ...(m.infraRetries !== undefined && { infraRetries: m.infraRetries }),
  };
}

/** What handling a stage message needs: the pipeline's handler and its attempts value. */
export interface StageHandler {
  /** Deliveries of a stage message before the project fails (the queue's maxReceiveCount too). */
  readonly maxAttempts: number;
  handle(message: StageMessage, receiveCount: number): Promise<HandleOutcome>;
}

export interface StageDeliveryOptions {
  pipeline: StageHandler;
  logger: Logger;
  /** Spacing of retries after a failure of the stage's work. Default STAGE_RETRY_BACKOFF. */
  backoff?: BackoffPolicy;
  /** Jitter source (tests inject a fixed one). Default Math.random. */
  random?: () => number;
}

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The one worker path, for the local queue and the SQS handler alike: parse the message, handle
 * the stage, decide what the queue does with it. Never throws: every outcome is a decision.
 */
export function createStageDelivery(opts: StageDeliveryOptions) {
  const { pipeline, logger } = opts;
  const backoff = opts.backoff ?? STAGE_RETRY_BACKOFF;
  const random = opts.random ?? Math.random;
  return async function deliver(delivery: StageDelivery): Promise<DeliveryDecision> {
    let message: StageMessage;
    try {
      message = parseStageMessage(delivery.body);
    } catch (error) {
      // It can never be handled: retrying would only delay the dead letter.
      logger.error('unreadable stage message', {
        event: 'stage_message_invalid',
        receiveCount: delivery.receiveCount,
        reason: describe(error),
      });
      return { action: 'dead-letter', reason: describe(error) };
    }
    try {
      return { action: 'done', outcome: await pipeline.handle(message, delivery.receiveCount) };
    } catch (error) {
      const reason = describe(error);
      if (isInfrastructureFailure(error)) {
        // The store failed even to release the claim: try again later, without spending an attempt.
        const infraRetries = (message.infraRetries ?? 0) + 1;
        return {
          action: 'requeue',
          delayMs: backoffMs(infraRetries, INFRA_RETRY_BACKOFF, random),
          message: { ...message, infraRetries },
          reason,
        };
      }
      // The pipeline has recorded the failure (and failed the project on the last attempt).
      if (delivery.receiveCount >= pipeline.maxAttempts) return { action: 'dead-letter', reason };
      return { action: 'retry', delayMs: backoffMs(delivery.receiveCount, backoff, random), reason };
    }
  };
}

export type DeliverStage = ReturnType<typeof createStageDelivery>;
