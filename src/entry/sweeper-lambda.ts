import { sweepOnce } from '../app/sweeper.ts';
import { awsAdapters } from '../composition/aws.ts';
import { wirePipeline } from '../composition/pipeline.ts';

/**
 * Scheduled Lambda (EventBridge, every few minutes): re-queues projects whose message was lost or
 * whose worker died, and publishes the `StuckProjects` metric that an alarm watches. The same
 * sweep as local mode's timer; a failure fails the invocation (EventBridge retries, then its DLQ).
 */
const a = awsAdapters();
const pipeline = wirePipeline({ ...a, blobs: a.artifacts });

export const handler = async () => {
  a.metrics.coldStart();
  return sweepOnce({ pipeline, logger: a.logger, ...a.config.pipeline });
};
