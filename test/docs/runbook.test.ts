import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';
import { SAVED_QUERIES } from '../../src/observability/saved-queries.ts';
import { ROOT } from '../support/server-process.ts';

const runbook = readFileSync(join(ROOT, 'docs/RUNBOOK.md'), 'utf8');

describe('R10 runbook stays in step with the alarm catalog and the saved queries', () => {
  it.each(ALARM_CATALOG.map((a) => [a.id, a.runbookAnchor, a.requirement]))(
    'alarm %s has a section (#%s) naming %s',
    (_id, anchor, requirement) => {
      expect(runbook).toContain(`<a id="${anchor}"></a>`);
      const section = runbook.slice(runbook.indexOf(`<a id="${anchor}"></a>`)).split('<a id=')[1]!;
      expect(section).toContain(requirement);
    },
  );

  it('R9.5 documents every saved query in the Queries section', () => {
    const queries = runbook.slice(runbook.indexOf('## Queries'), runbook.indexOf('## Scaling'));
    for (const query of SAVED_QUERIES) expect(queries).toContain(`\`${query.name}\``);
  });

  it('says how R3.3 "3 consecutive failures" is measured', () => {
    expect(runbook).toMatch(/Errors ≥ 1 in each of 3 consecutive 1-minute periods/);
  });
});
