import { createRequire } from 'node:module';
import { queryObjects } from 'node:v8';
import { vi } from 'vitest';

/**
 * Live LevelDB iterators of the embedded store, in this process. Every abstract-level iterator
 * (memory-level in tests, classic-level on disk) derives from one base class; an iterator still
 * attached to its database is reachable, a closed one is garbage, and v8.queryObjects counts the
 * reachable ones after a full GC. dynalite 4.0.0 left one open per read (patches/dynalite+4.0.0.patch).
 */
const levelRequire = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { AbstractIterator } = levelRequire('abstract-level') as { AbstractIterator: new () => object };
// Entry, key and value iterators share one base class (not exported): count them all in one pass.
const CommonIterator = Object.getPrototypeOf(AbstractIterator) as new () => object;
export const liveIterators = () => queryObjects(CommonIterator, { format: 'count' }) as number;

/**
 * The live count once the closes under way have finished (an iterator closes just after its read
 * answers), or the count at the end of the wait if it never gets down to `atMost`.
 */
export async function settledCount(atMost: number): Promise<number> {
  let last = Number.POSITIVE_INFINITY;
  await vi
    .waitFor(
      () => {
        last = liveIterators();
        if (last > atMost) throw new Error(`live iterators: ${last}`);
      },
      { timeout: 5_000, interval: 50 },
    )
    .catch(() => {});
  return last;
}
