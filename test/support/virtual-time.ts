import type { QueueTimers } from '../../src/adapters/local/store-queue.ts';

/** What `advance` waits for between timers: the queue's polls and deliveries. */
export interface Settles {
  whenSettled(): Promise<void>;
}

/**
 * Virtual time shared by the queue's clock and its timers: `advance` fires due timers in order and
 * waits for the polls and deliveries they start before moving on. No real-clock margins.
 */
export function virtualTime(startMs = Date.parse('2026-11-23T10:00:00Z')) {
  let now = startMs;
  let seq = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const fired: number[] = [];
  const timers: QueueTimers = {
    set(callback, ms) {
      pending.set(++seq, { at: now + ms, callback });
      return seq;
    },
    clear(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    clock: { now: () => new Date(now) },
    timers,
    pending,
    /** Virtual times (ms since start) at which timers fired. */
    fired,
    elapsed: () => now - startMs,
    async advance(ms: number, queue: Settles) {
      const target = now + ms;
      await queue.whenSettled();
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = Math.max(now, due[1].at);
        fired.push(now - startMs);
        due[1].callback();
        await queue.whenSettled();
      }
      now = target;
    },
  };
}
