/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base · 2^(attempt-1))].
 * Spreads retries so a struggling dependency is not hit in lockstep.
 */
export function backoffMs(
  attempt: number,
  opts: { baseMs: number; capMs: number },
  random = Math.random,
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
