import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_PIPELINE_MAX_ATTEMPTS } from '../../src/config.ts';
import { STAGES, type Stage } from '../../src/domain/project.ts';

export interface StageQueuesProps {
  /** Name of queue for a stage, e.g. `agenticai-dev-pm` (naming.ts). */
  readonly queueName: (stage: Stage) => string;
  /** Name of a stage's dead-letter queue (naming.ts). */
  readonly dlqName: (stage: Stage) => string;
  /** The worker function timeout; visibility is 6× this (AWS guidance for SQS event sources). */
  readonly workerTimeout: Duration;
  /**
   * Deliveries before a message moves to the DLQ: the application's attempts value, so give the
   * worker the same number (`maxReceiveCount` below) as PIPELINE_MAX_ATTEMPTS.
   * @default DEFAULT_PIPELINE_MAX_ATTEMPTS (3)
   */
  readonly maxReceiveCount?: number;
}

/** One encrypted, TLS-only SQS queue per pipeline stage, each with a DLQ after `maxReceiveCount` receives. */
export class StageQueues extends Construct {
  readonly queues: Record<Stage, Queue>;
  readonly deadLetterQueues: Record<Stage, Queue>;
  /** Receives before the DLQ; the worker's PIPELINE_MAX_ATTEMPTS must be this number. */
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: StageQueuesProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount ?? DEFAULT_PIPELINE_MAX_ATTEMPTS;
    this.queues = {} as Record<Stage, Queue>;
    this.deadLetterQueues = {} as Record<Stage, Queue>;
    for (const stage of STAGES) {
      const dlq = new Queue(this, `${stage}Dlq`, {
        queueName: props.dlqName(stage),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      this.deadLetterQueues[stage] = dlq;
      this.queues[stage] = new Queue(this, `${stage}Queue`, {
        queueName: props.queueName(stage),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: this.maxReceiveCount },
      });
    }
  }

  /** What a worker needs in its environment: the attempts value it shares with the redrive policy. */
  workerEnvironment(): Record<string, string> {
    return { PIPELINE_MAX_ATTEMPTS: String(this.maxReceiveCount) };
  }
}
