import { type RateDecision, windowAt } from '../domain/rate-window.ts';
import type { Clock, CounterStore } from './ports.ts';

export interface RateLimiterOptions {
  /** When the counter store fails: admit (true, default) or refuse with 503 (false). */
  failOpen?: boolean;
  /** Upper bound on how long a "blocked until window end" decision is cached. Default 30 s. */
  blockedCacheMs?: number;
}

export class CounterUnavailableError extends Error {
  override readonly name = 'CounterUnavailableError';
}

/**
 * Fixed hourly windows per client (R6): one conditional increment per admitted request. Once a
 * client is over its limit, the decision is cached until the window ends (bounded, so a raised
 * limit takes effect), and repeated 429s cost no store writes.
 */
export class RateLimiter {
  private readonly blocked = new Map<string, { until: number; limit: number }>();
  private readonly failOpen: boolean;
  private readonly blockedCacheMs: number;

  constructor(
    private readonly counters: CounterStore,
    private readonly clock: Clock,
    opts: RateLimiterOptions = {},
    private readonly onStoreFailure: (error: unknown) => void = () => {},
  ) {
    this.failOpen = opts.failOpen ?? true;
    this.blockedCacheMs = opts.blockedCacheMs ?? 30_000;
  }

  async check(clientId: string, limit: number): Promise<RateDecision> {
    const now = this.clock.now();
    const window = windowAt(now);
    const blocked = this.blocked.get(clientId);
    if (blocked && blocked.until > now.getTime() && blocked.limit === limit) {
      return { allowed: false, limit, remaining: 0, window };
    }
    let count: number | undefined;
    try {
      count = await this.counters.increment(clientId, window.id, limit, window.end + 3600);
    } catch (error) {
      this.onStoreFailure(error);
      if (!this.failOpen)
        throw new CounterUnavailableError('rate-limit counter store unavailable', { cause: error });
      return { allowed: true, limit, window };
    }
    if (count === undefined) {
      const until = Math.min(window.end * 1000, now.getTime() + this.blockedCacheMs);
      this.blocked.set(clientId, { until, limit });
      return { allowed: false, limit, remaining: 0, window };
    }
    return { allowed: true, limit, remaining: Math.max(0, limit - count), window };
  }
}
