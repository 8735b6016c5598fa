/**
 * The record a restore drill leaves behind (`agenticai drill restore`): read by `backup status`,
 * `agenticai readiness --live` and the runbook's disaster-recovery figures. Stored as JSON in the
 * SSM parameter `resourceNames(env).restoreDrillParameter`, so it outlives the scratch table.
 */
export interface RestoreDrillRecord {
  /** ISO time the drill started. */
  readonly startedAt: string;
  /** ISO time the drill finished (scratch table compared and deleted). */
  readonly finishedAt: string;
  /** `pass` when counts and the sample matched; `fail` names the difference in `reason`. */
  readonly result: 'pass' | 'fail';
  readonly reason?: string;
  /** The table restored from, and the point in time restored. */
  readonly sourceTable: string;
  readonly restoredToTime: string;
  /** Recovery time: restore request to a usable, verified table, in seconds. */
  readonly rtoSeconds: number;
  /** Recovery point: how far behind now the restored data is, in seconds. */
  readonly rpoSeconds: number;
  readonly itemsSource: number;
  readonly itemsRestored: number;
  readonly sampleSize: number;
  readonly sampleMismatches: number;
}

/** Parses a stored record; undefined when the text is not one (never throws on a bad parameter). */
export function parseRestoreDrillRecord(text: string | undefined): RestoreDrillRecord | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const strings = ['startedAt', 'finishedAt', 'sourceTable', 'restoredToTime'] as const;
  const numbers = [
    'rtoSeconds',
    'rpoSeconds',
    'itemsSource',
    'itemsRestored',
    'sampleSize',
    'sampleMismatches',
  ] as const;
  if (!strings.every((k) => typeof r[k] === 'string')) return undefined;
  if (!numbers.every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]))) return undefined;
  if (r.result !== 'pass' && r.result !== 'fail') return undefined;
  if (r.reason !== undefined && typeof r.reason !== 'string') return undefined;
  return value as RestoreDrillRecord;
}
