import { awsAdapters } from '../composition/aws.ts';
import { wirePipeline } from '../composition/pipeline.ts';

/**
 * Scheduled Lambda (EventBridge, every few minutes): re-queues projects whose message was lost or
 * whose worker died, and publishes the `StuckProjects` metric that an alarm watches.
 */
const a = awsAdapters();
const pipeline = wirePipeline({ ...a, blobs: a.artifacts });

export const handler = async () => {
  a.metrics.coldStart();
  const result = await pipeline.sweep(a.config.pipeline);
  a.logger.info('sweep finished', { event: 'sweep_finished', ...result });
  return result;
};
