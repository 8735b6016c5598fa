import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STAGES, type Stage } from '../../src/domain/project.ts';

export interface StageQueuesProps {
  /** Name of queue for a stage, e.g. `agenticai-dev-pm`; its DLQ adds `-dlq`. */
  queueName: (stage: Stage) => string;
  dlqName: (stage: Stage) => string;
  /** The worker function timeout; visibility is 6× this (AWS guidance for SQS event sources). */
  workerTimeout: Duration;
  /** Deliveries before a message moves to the DLQ. Default 3. */
  maxReceiveCount?: number;
}

/** One encrypted, TLS-only SQS queue per pipeline stage, each with a DLQ after 3 receives. */
export class StageQueues extends Construct {
  readonly queues: Record<Stage, Queue>;
  readonly deadLetterQueues: Record<Stage, Queue>;

  constructor(scope: Construct, id: string, props: StageQueuesProps) {
    super(scope, id);
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
        deadLetterQueue: { queue: dlq, maxReceiveCount: props.maxReceiveCount ?? 3 },
      });
    }
  }
}
