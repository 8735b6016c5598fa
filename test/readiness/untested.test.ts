import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../src/readiness/requirements.ts';
import { testTitlesOf, untestedRequirements } from '../../src/readiness/untested.ts';

const built = REQUIREMENTS.filter((r) => !r.notBuilt).map((r) => r.id);

describe('requirements no test title names (issue 10, item 8)', () => {
  it('lists every built requirement until a title names it; bare groups name their members; not built ones never listed', () => {
    expect(untestedRequirements([]).map((r) => r.id)).toEqual(built);
    const titles = [
      'suite > R1.1 a request without a key gets 401',
      'R2 the dashboard shows every metric',
      'C5 C6 alarms',
      'C queues (the retired lumped ID names nothing)',
    ];
    const left = untestedRequirements(titles).map((r) => r.id);
    expect(left).not.toContain('R1.1');
    expect(left.filter((id) => id.startsWith('R2.'))).toEqual([]);
    expect(left).not.toContain('C5');
    expect(left).not.toContain('C6');
    expect(left).toContain('R1.2');
    expect(left).toContain('C1');
    expect(left).toHaveLength(built.length - 1 - 7 - 2);
    for (const r of REQUIREMENTS.filter((x) => x.notBuilt)) expect(left).not.toContain(r.id);
    // Naming every built ID leaves nothing.
    expect(untestedRequirements(built.map((id) => `${id} proves it`))).toEqual([]);
  });

  it('reads titles from `vitest list --json` and from a vitest JSON report; anything else is an error', () => {
    expect(testTitlesOf([{ name: 'a > R1.1 b', file: 'x.test.ts' }])).toEqual(['a > R1.1 b']);
    expect(
      testTitlesOf({
        testResults: [
          { assertionResults: [{ ancestorTitles: ['a', 'b'], title: 'R7.1 c', status: 'passed' }] },
        ],
      }),
    ).toEqual(['a › b › R7.1 c']);
    expect(() => testTitlesOf({ numTotalTests: 3 })).toThrow(/neither `vitest list --json` output/);
  });
});
