import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../infra/environments.ts';
import { renderRunbook } from '../../infra/observability/runbook.ts';
import { generateRunbook, RUNBOOK_PATH, SECTIONS_DIR } from '../../infra/observability/write-runbook.ts';
import { ALARM_CATALOG, type AlarmSpec, renderAlarm } from '../../src/observability/alarm-catalog.ts';
import { SAVED_QUERIES } from '../../src/observability/saved-queries.ts';

const committed = readFileSync(RUNBOOK_PATH, 'utf8');
let generated = '';
// Builds the whole CDK app (bundling skipped): slow on a loaded machine, so in a hook with its own timeout.
beforeAll(() => {
  generated = generateRunbook();
}, 180_000);
const sectionOf = (runbook: string, anchor: string) =>
  runbook.slice(runbook.indexOf(`<a id="${anchor}"></a>`)).split('<a id=')[1]!;

describe('R10.1 the runbook is generated from the catalog, the saved queries and the configuration', () => {
  it('the committed docs/RUNBOOK.md is what `npm run docs` writes (run it after changing an alarm, a query or the configuration)', () => {
    expect(committed).toBe(generated);
  });

  it.each(ALARM_CATALOG.map((a) => [a.id, a] as const))(
    'R10.2 %s has a section with its requirement, actual thresholds, checks, queries, causes, mitigation and escalation',
    (_id, spec) => {
      const section = sectionOf(committed, spec.runbookAnchor);
      expect(section).toContain(`### ${spec.id} — ${spec.requirement}, ${spec.severity}`);
      for (const heading of [
        '**First checks**',
        '**Likely causes**',
        '**Mitigation**',
        '**Escalation:**',
        '**Paging:**',
      ])
        expect(section).toContain(heading);
      for (const q of spec.runbook.queries) expect(section).toContain(`\`${q}\``);
    },
  );

  it('changing a threshold changes the runbook (nothing restated by hand)', () => {
    const envs = loadEnvironments(process.env, { offline: true }).map((config) => ({
      config,
      alarms: ALARM_CATALOG.map((spec) =>
        renderAlarm(
          spec,
          { resource: 'worker', values: { function: 'f' }, timeoutSeconds: config.workers.timeoutSeconds },
          { env: config.name },
        ),
      ),
    }));
    const moved = (spec: AlarmSpec): AlarmSpec => ({
      ...spec,
      threshold: 77,
      thresholdByResource: undefined,
    });
    const before = renderRunbook(envs);
    for (const spec of ALARM_CATALOG) {
      const after = renderRunbook(
        envs.map((e) => ({
          ...e,
          alarms: e.alarms.map((a) =>
            a.spec.id === spec.id
              ? renderAlarm(
                  moved(spec),
                  { resource: 'worker', values: { function: 'f' }, timeoutSeconds: 300 },
                  { env: e.config.name },
                )
              : a,
          ),
        })),
      );
      expect(sectionOf(after, spec.runbookAnchor), spec.id).not.toBe(sectionOf(before, spec.runbookAnchor));
    }
  });

  it('R4.1 shows each function its actual duration threshold from the configuration', () => {
    const section = sectionOf(committed, 'lambda-duration');
    expect(section).toMatch(/`api` \| > 10 s/);
    expect(section).toMatch(/`worker` \| > 240 s/);
  });

  it('R3.3 says what "3 consecutive failures" is measured as', () => {
    expect(sectionOf(committed, 'lambda-consecutive-failures')).toContain(
      'at least 1 error in each of 3 consecutive 1-minute periods',
    );
  });

  it('includes every hand-written section of docs/runbook/ (procedures that are not alarm data)', () => {
    for (const file of readdirSync(SECTIONS_DIR).filter((f) => f.endsWith('.md')))
      expect(committed).toContain(readFileSync(join(SECTIONS_DIR, file), 'utf8').trim());
  });

  it('R9.5 documents every saved query in the Queries section', () => {
    const queries = committed.slice(committed.indexOf('## Queries'), committed.indexOf('## Scaling'));
    for (const query of SAVED_QUERIES) expect(queries).toContain(`\`${query.name}\``);
  });

  it('R10.3 R10.4 R10.5 R10.6 scaling, deployment and rollback, disaster recovery with RTO/RPO, contacts and escalation', () => {
    for (const heading of [
      '## Scaling',
      '## Deployment and rollback',
      '## Disaster recovery',
      '## Alerts, contacts and escalation',
    ])
      expect(committed).toContain(heading);
    expect(committed).toContain('**RTO**');
    expect(committed).toContain('RPO');
    expect(committed).toContain('35 days'); // production PITR from the configuration
    expect(committed).toContain('`adminEmails`');
  });
});
