import { describe, expect, it } from 'vitest';
import { parseRestoreDrillRecord } from '../../src/domain/restore-drill.ts';

const record = {
  startedAt: '2026-11-20T10:00:00.000Z',
  finishedAt: '2026-11-20T10:21:00.000Z',
  result: 'pass',
  sourceTable: 'agenticai-staging-data',
  restoredToTime: '2026-11-20T09:59:00.000Z',
  rtoSeconds: 1260,
  rpoSeconds: 60,
  itemsSource: 120,
  itemsRestored: 120,
  sampleSize: 20,
  sampleMismatches: 0,
};

describe('restore drill record', () => {
  it('R7.5 parses a stored drill record', () => {
    expect(parseRestoreDrillRecord(JSON.stringify(record))).toEqual(record);
  });

  it('R7.5 rejects what is not a record instead of throwing', () => {
    expect(parseRestoreDrillRecord(undefined)).toBeUndefined();
    expect(parseRestoreDrillRecord('not json')).toBeUndefined();
    expect(parseRestoreDrillRecord('null')).toBeUndefined();
    expect(parseRestoreDrillRecord(JSON.stringify({ ...record, result: 'maybe' }))).toBeUndefined();
    expect(parseRestoreDrillRecord(JSON.stringify({ ...record, rtoSeconds: 'fast' }))).toBeUndefined();
    const { sourceTable: _omitted, ...partial } = record;
    expect(parseRestoreDrillRecord(JSON.stringify(partial))).toBeUndefined();
  });
});
