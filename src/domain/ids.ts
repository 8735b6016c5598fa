import { createHash } from 'node:crypto';
import { isValid, monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Time-ordered ids (ULID): sorting ids sorts by creation time, which gives "newest first" for free. */
export function newProjectId(now: Date): string {
  return nextUlid(now.getTime());
}

export function isProjectId(value: string): boolean {
  return value.length === 26 && isValid(value);
}

/** Stable hash of a JSON value whatever the order of its keys (for idempotency comparisons). */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
