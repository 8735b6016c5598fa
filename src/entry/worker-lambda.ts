import { awsAdapters } from '../composition/aws.ts';
import { wireStageWorker } from '../composition/pipeline.ts';
import { createStageWorker } from '../workers/stage-worker.ts';

/** Lambda entry point for the stage queues' event source mappings (all four stages). */
const a = awsAdapters();
const worker = createStageWorker({
  deliver: wireStageWorker({ ...a, blobs: a.artifacts }).deliver,
  queue: a.queue,
  logger: a.logger,
});

export const handler: typeof worker = (event) => {
  a.metrics.coldStart();
  return worker(event);
};
