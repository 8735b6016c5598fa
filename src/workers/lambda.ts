import { awsAdapters } from '../composition/aws.ts';
import { wirePipeline } from '../composition/pipeline.ts';
import { createStageWorker } from './stage-worker.ts';

/** Lambda entry point for the stage queues' event source mappings (all four stages). */
const a = awsAdapters();
export const handler = createStageWorker({
  pipeline: wirePipeline({ ...a, blobs: a.artifacts }),
  queue: a.queue,
  logger: a.logger,
});
