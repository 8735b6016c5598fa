import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Found, resourcesOf, type TemplateSet } from '../template-set.ts';

/** The data table, whichever DynamoDB resource type defines it. */
export function dataTable(set: TemplateSet): Found | undefined {
  const name = resourceNames(set.env).dataTable;
  return [
    ...resourcesOf(set, 'AWS::DynamoDB::GlobalTable'),
    ...resourcesOf(set, 'AWS::DynamoDB::Table'),
  ].find((t) => t.props.TableName === name);
}

/** PITR settings of a table (`AWS::DynamoDB::Table` or the first replica of a global table). */
export function pitrOf(table: Found): { enabled: boolean; days: number } {
  const spec =
    table.resource.Type === 'AWS::DynamoDB::GlobalTable'
      ? table.props.Replicas?.[0]?.PointInTimeRecoverySpecification
      : table.props.PointInTimeRecoverySpecification;
  return { enabled: spec?.PointInTimeRecoveryEnabled === true, days: spec?.RecoveryPeriodInDays ?? 35 };
}

export const pitrEnabled: TemplateCheck = {
  id: 'pitr-enabled',
  requirements: ['R7.1'],
  description: 'point-in-time recovery is enabled on the data table',
  run(set) {
    const table = dataTable(set);
    if (!table) return fail(`no table named ${resourceNames(set.env).dataTable}`);
    return pitrOf(table).enabled
      ? pass(`${table.props.TableName}: PointInTimeRecoveryEnabled true`)
      : fail(`${table.props.TableName}: point-in-time recovery is off`);
  },
};
