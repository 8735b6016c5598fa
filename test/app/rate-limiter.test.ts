import { describe, expect, it, vi } from 'vitest';
import type { CounterStore } from '../../src/app/ports.ts';
import { CounterUnavailableError, RateLimiter } from '../../src/app/rate-limiter.ts';
import { manualClock } from '../support/local-app.ts';

function memoryCounters() {
  const counts = new Map<string, number>();
  const store: CounterStore & { increment: ReturnType<typeof vi.fn> } = {
    increment: vi.fn(async (clientId: string, windowId: string, limit: number) => {
      const key = `${clientId}#${windowId}`;
      const n = counts.get(key) ?? 0;
      if (n >= limit) return undefined;
      counts.set(key, n + 1);
      return n + 1;
    }),
  };
  return store;
}

describe('RateLimiter', () => {
  it('R6.1/R6.2 admits up to the limit, then refuses with remaining 0', async () => {
    const limiter = new RateLimiter(memoryCounters(), manualClock('2026-11-23T01:00:00Z'));
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.check('c', 3));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
  });

  it('repeated refusals in a warm process cost no store write', async () => {
    const counters = memoryCounters();
    const limiter = new RateLimiter(counters, manualClock('2026-11-23T01:00:00Z'));
    for (let i = 0; i < 10; i++) await limiter.check('c', 2);
    expect(counters.increment).toHaveBeenCalledTimes(3);
  });

  it('R6.4 a new UTC hour starts a new window', async () => {
    const clock = manualClock('2026-11-23T01:59:59Z');
    const limiter = new RateLimiter(memoryCounters(), clock);
    await limiter.check('c', 1);
    expect((await limiter.check('c', 1)).allowed).toBe(false);
    clock.set('2026-11-23T02:00:00Z');
    const next = await limiter.check('c', 1);
    expect(next.allowed).toBe(true);
    expect(next.window.id).toBe('2026-11-23T02');
  });

  it('a raised limit applies at once, without waiting for the blocked cache', async () => {
    const limiter = new RateLimiter(memoryCounters(), manualClock('2026-11-23T01:00:00Z'));
    await limiter.check('c', 1);
    expect((await limiter.check('c', 1)).allowed).toBe(false);
    expect((await limiter.check('c', 5)).allowed).toBe(true);
  });

  it('counter store failure: fail open admits and reports; fail closed throws', async () => {
    const failing: CounterStore = { increment: () => Promise.reject(new Error('down')) };
    const onFailure = vi.fn();
    const open = new RateLimiter(failing, manualClock('2026-11-23T01:00:00Z'), { failOpen: true }, onFailure);
    const decision = await open.check('c', 1);
    expect(decision.allowed).toBe(true);
    expect(decision.remaining).toBeUndefined();
    expect(onFailure).toHaveBeenCalledOnce();
    const closed = new RateLimiter(failing, manualClock('2026-11-23T01:00:00Z'), { failOpen: false });
    await expect(closed.check('c', 1)).rejects.toBeInstanceOf(CounterUnavailableError);
  });
});
