import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/readiness/report.ts';
import { statusOf } from '../../src/readiness/report.ts';
import {
  indexTestReport,
  readTestReport,
  requirementIdsIn,
  TestReportError,
} from '../../src/readiness/test-report.ts';

const fixture = join(import.meta.dirname, '../fixtures/readiness/vitest-report.json');

describe('test evidence from a vitest JSON report', () => {
  it('finds the IDs a title names: several at once, a bare group only when no member is named, never the lumped "C"', () => {
    expect(requirementIdsIn('R7.1/R7.3 the data table has PITR')).toEqual(['R7.1', 'R7.3']);
    expect(requirementIdsIn('R2/R4.3 the dashboard')).toEqual([
      'R4.3',
      'R2.1',
      'R2.2',
      'R2.3',
      'R2.4',
      'R2.5',
      'R2.6',
      'R2.7',
    ]);
    expect(requirementIdsIn('R1 API authentication over HTTP › R1.2 a valid key')).toEqual(['R1.2']);
    expect(requirementIdsIn('C queues: one per stage')).toEqual([]);
    expect(requirementIdsIn('C13 circuit breaker; C5 composite')).toEqual(['C13', 'C5']);
    // Unknown IDs and look-alikes are not requirements.
    expect(requirementIdsIn('R99.1 nothing, HTTP/1.1, CR1.1, C17')).toEqual([]);
  });

  it('counts passed, failed and skipped tests per requirement from the fixture report', () => {
    const index = readTestReport(fixture);
    expect(index.total).toBe(8);
    expect(index.unmapped).toBe(1); // "C queues have DLQs"
    expect(index.byRequirement.get('R1.1')).toMatchObject({ passed: 2, failed: 0 });
    expect(index.byRequirement.get('R1.3')).toEqual({
      passed: 1,
      failed: 1,
      skipped: 0,
      failures: ['R1 API authentication over HTTP › R1.3 revoked keys get 403'],
    });
    expect(index.byRequirement.get('R2.5')).toMatchObject({ passed: 1 });
    expect(index.byRequirement.get('R10.6')).toMatchObject({ passed: 1 });
    expect(index.byRequirement.get('C13')).toMatchObject({ passed: 0, failed: 1 });
    expect(index.byRequirement.get('R7.5')).toMatchObject({ passed: 0, failed: 0, skipped: 1 });
    expect(index.byRequirement.has('R1.2')).toBe(false);
  });

  it('rejects what is not a vitest JSON report with a message that says how to make one', () => {
    expect(() => indexTestReport({ tests: [] })).toThrow(TestReportError);
    expect(() => indexTestReport({ tests: [] })).toThrow(/--reporter=json/);
    expect(() => readTestReport(join(import.meta.dirname, 'missing.json'))).toThrow(/ENOENT/);
    expect(() => readTestReport(join(import.meta.dirname, 'test-report.test.ts'))).toThrow(/not JSON/);
    expect(JSON.parse(readFileSync(fixture, 'utf8')).testResults).toHaveLength(2);
  });

  it('status: a failed check or test fails; not built wins until a check passes; checks all n/a is not applicable', () => {
    const outcome = (status: CheckOutcome['status']): CheckOutcome => ({
      check: 'c',
      description: 'd',
      status,
      evidence: 'e',
    });
    const none = { passed: 0, failed: 0, skipped: 0, failures: [] };
    expect(statusOf({}, [outcome('pass')])).toBe('pass');
    expect(statusOf({}, [outcome('pass'), outcome('fail')])).toBe('fail');
    expect(statusOf({}, [outcome('pass')], { ...none, failed: 1 })).toBe('fail');
    expect(statusOf({}, [], { ...none, passed: 3 })).toBe('pass');
    expect(statusOf({}, [], none)).toBe('no evidence');
    expect(statusOf({}, [outcome('not applicable')])).toBe('not applicable');
    expect(statusOf({ notBuilt: 'x' }, [outcome('fail')])).toBe('not built');
    expect(statusOf({ notBuilt: 'x' }, [outcome('pass')])).toBe('pass');
    // Tests naming a requirement not built prove the part that is: they neither lift nor fail it…
    expect(statusOf({ notBuilt: 'x' }, [], { ...none, passed: 2 })).toBe('not built');
    expect(statusOf({ notBuilt: 'x' }, [outcome('fail')], { ...none, passed: 2 })).toBe('not built');
    // …but a failing test still fails it.
    expect(statusOf({ notBuilt: 'x' }, [outcome('fail')], { ...none, passed: 1, failed: 1 })).toBe('fail');
  });
});
