import type { Logger } from './logger.ts';
import type { PipelineService } from './pipeline.ts';

export interface SweepOptions {
  pipeline: Pick<PipelineService, 'sweep'>;
  logger: Logger;
  /** Re-queue unfinished projects untouched this long (SWEEPER_REQUEUE_AFTER_SECONDS). */
  requeueAfterMs: number;
  /** Count unfinished projects older than this as stuck (STUCK_PROJECT_SECONDS). */
  stuckAfterMs: number;
  /** The only worker process on its store (local mode): a lease this process does not hold is dead. */
  exclusive?: boolean;
}

/**
 * One pass of the sweeper, the same for the sweeper Lambda (every 5 minutes, EventBridge) and the
 * local server's timer: re-queue stalled work, publish StuckProjects, log what it did. Errors are
 * the caller's to report (the Lambda fails the invocation; local mode logs and tries next time).
 */
export async function sweepOnce(opts: SweepOptions) {
  const result = await opts.pipeline.sweep({
    requeueAfterMs: opts.requeueAfterMs,
    stuckAfterMs: opts.stuckAfterMs,
    ...(opts.exclusive && { exclusive: true }),
  });
  // An idle sweep says so only at debug level: local mode sweeps every minute.
  const level = result.requeued > 0 || result.stuck > 0 ? 'info' : 'debug';
  opts.logger[level]('sweep finished', { event: 'sweep_finished', ...result });
  return result;
}
