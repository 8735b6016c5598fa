/**
 * A value loaded at most once per `ttlMs` — "not configured" included, so setting a secret takes
 * effect within the TTL on warm containers. A failed load is not cached: the next call retries.
 */
export function ttlCache<T>(load: () => Promise<T>, opts: { ttlMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  let entry: { value: Promise<T>; until: number } | undefined;
  return (): Promise<T> => {
    if (entry && now() < entry.until) return entry.value;
    const value = load();
    const current = { value, until: now() + opts.ttlMs };
    entry = current;
    value.catch(() => {
      if (entry === current) entry = undefined;
    });
    return value;
  };
}
