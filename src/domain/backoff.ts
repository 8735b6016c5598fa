/** Spacing of retries: exponential from `baseMs`, never above `capMs`, with full jitter. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * The one retry spacing of a stage message whose work failed, on every path (local queue and SQS
 * alike): 5 s, 10 s, 20 s … up to 5 min. It stays below the SQS visibility timeout (6× the worker
 * timeout) so a delayed retry is never slower than a plain redelivery.
 */
export const STAGE_RETRY_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 300_000 };

/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base · 2^(attempt-1))].
 * Spreads retries so a struggling dependency is not hit in lockstep.
 */
export function backoffMs(attempt: number, opts: BackoffPolicy, random = Math.random): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
