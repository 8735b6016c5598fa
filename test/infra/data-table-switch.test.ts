import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { type EnvironmentConfig, InfraConfigError, parseEnvironment } from '../../infra/config.ts';
import { loadEnvironments } from '../../infra/environments.ts';
import { resourceNames } from '../../src/naming.ts';
import { NO_BUNDLING } from './synth.ts';

// One environment synthesized twice: as configured, and switched to a table restored from its data
// table (docs/RECOVERY.md, "Switch the environment"). cdk-nag runs on both.
const names = resourceNames('staging');
const RESTORED = names.restoredDataTable(new Date('2026-11-23T09:30:00Z'));
// The full alarm set (staging's lean cost profile keeps no DynamoDB alarm), so the test also shows
// the table's alarms follow the switch.
const base: EnvironmentConfig = {
  ...loadEnvironments({
    AGENTICAI_ACCOUNT: '111111111111',
    AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
    AGENTICAI_ENVIRONMENTS: 'staging',
  })[0]!,
  costProfile: 'full',
};

interface Synth {
  template: Template;
  json: { Resources: Record<string, any>; Outputs: Record<string, any> };
  violations: unknown[];
}
const dirs: string[] = [];
function synth(config: EnvironmentConfig): Synth {
  const outdir = mkdtempSync(join(tmpdir(), 'agenticai-switch-'));
  dirs.push(outdir);
  const built = buildApp([config], { outdir, context: NO_BUNDLING });
  built.app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  const template = Template.fromStack(built.stacks[0]!);
  return {
    template,
    json: template.toJSON() as Synth['json'],
    violations: report.pluginReports.flatMap((r) => r.violations ?? []),
  };
}

let own: Synth;
let switched: Synth;
beforeAll(() => {
  own = synth(base);
  switched = synth(parseEnvironment({ ...base, dataTableName: RESTORED }));
}, 120_000);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const of = (s: Synth, type: string) =>
  Object.entries(s.json.Resources).filter(([, r]) => r.Type === type) as [string, any][];
const functions = (s: Synth) =>
  of(s, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.DATA_TABLE_NAME);
const dataTable = (s: Synth) =>
  of(s, 'AWS::DynamoDB::GlobalTable').find(([, t]) => t.Properties.TableName === names.dataTable)!;
/** Every DynamoDB statement of every policy, with its resources as text (`<ref>` for references). */
function dynamoStatements(s: Synth) {
  const text = (value: unknown): string => JSON.stringify(value);
  return of(s, 'AWS::IAM::Policy').flatMap(([, p]) =>
    (p.Properties.PolicyDocument.Statement as any[])
      .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('dynamodb:')))
      .map((st) => ({ actions: [st.Action].flat(), resources: [st.Resource].flat().map(text) })),
  );
}

describe('R7.5 the data table is a stack input (typed config `dataTableName`)', () => {
  it("R7.5 by default every function uses the stack's own table, exported as the DataTableName output", () => {
    expect(base.dataTableName).toBeUndefined();
    const fns = functions(own);
    expect(fns.length).toBe(3); // api, worker, sweeper
    for (const [, f] of fns) expect(f.Properties.Environment.Variables.DATA_TABLE_NAME).toBe(names.dataTable);
    expect(own.json.Outputs[names.dataTableOutput].Value).toBe(names.dataTable);
    const [tableId] = dataTable(own);
    for (const st of dynamoStatements(own).filter((s) => !s.resources.some((r) => r.includes('Counters'))))
      for (const r of st.resources) expect(r).toContain(tableId);
  });

  it('R7.5 switched to a restored table: every function, IAM statement, alarm and the output use it; no nag finding', () => {
    expect(switched.violations).toEqual([]);
    const fns = functions(switched);
    expect(fns.length).toBe(3);
    for (const [, f] of fns) expect(f.Properties.Environment.Variables.DATA_TABLE_NAME).toBe(RESTORED);
    expect(switched.json.Outputs[names.dataTableOutput].Value).toBe(RESTORED);
    const [tableId] = dataTable(switched);
    const statements = dynamoStatements(switched).filter(
      (s) => !s.resources.some((r) => r.includes('Counters')),
    );
    // The API, the worker and the sweeper keep exactly their actions, on the restored table.
    expect(statements.length).toBe(
      dynamoStatements(own).filter((s) => !s.resources.some((r) => r.includes('Counters'))).length,
    );
    for (const st of statements)
      for (const r of st.resources) {
        expect(r).toContain(`:table/${RESTORED}`);
        expect(r).not.toContain(tableId);
      }
    const alarms = of(switched, 'AWS::CloudWatch::Alarm').map(([, a]) => JSON.stringify(a.Properties));
    const onData = alarms.filter(
      (a) => a.includes(`"TableName","Value":"${RESTORED}"`) || a.includes(RESTORED),
    );
    expect(onData.length).toBeGreaterThan(0);
    expect(alarms.filter((a) => a.includes(`"${names.dataTable}"`))).toEqual([]);
    const ownDashboard = JSON.stringify(of(own, 'AWS::CloudWatch::Dashboard')[0]![1].Properties);
    expect(ownDashboard).toContain(`\\"${names.dataTable}\\"`);
    const dashboard = JSON.stringify(of(switched, 'AWS::CloudWatch::Dashboard')[0]![1].Properties);
    expect(dashboard).toContain(RESTORED);
    expect(dashboard).not.toContain(`\\"${names.dataTable}\\"`);
  });

  it("R7.5 switching changes nothing of the stack's own table: still there, retained, same properties (so nothing is deleted)", () => {
    const [ownId, ownTable] = dataTable(own);
    const [switchedId, kept] = dataTable(switched);
    expect(switchedId).toBe(ownId);
    expect(kept).toEqual(ownTable);
    expect([kept.DeletionPolicy, kept.UpdateReplacePolicy]).toEqual(['RetainExceptOnCreate', 'Retain']);
    // No new table: the restored one is referenced, never created (CloudFormation cannot own it).
    expect(of(switched, 'AWS::DynamoDB::GlobalTable').length).toBe(
      of(own, 'AWS::DynamoDB::GlobalTable').length,
    );
  });

  it('R7.5 the way back is removing the field: the template is the default one again', () => {
    const back = synth(parseEnvironment({ ...base, dataTableName: undefined }));
    expect(back.json).toEqual(own.json);
  });

  it("R7.5 the config accepts only this environment's table or one restored from it", () => {
    expect(() => parseEnvironment({ ...base, dataTableName: resourceNames('dev').dataTable })).toThrow(
      InfraConfigError,
    );
    expect(() => parseEnvironment({ ...base, dataTableName: 'agenticai staging' })).toThrow(
      /dataTableName: must be a DynamoDB table name/,
    );
    expect(parseEnvironment({ ...base, dataTableName: names.dataTable }).dataTableName).toBe(names.dataTable);
  });
});
