import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { dataTable, pitrOf } from './pitr-enabled.ts';

const MINIMUM_DAYS = 7;

export const pitrPeriod: TemplateCheck = {
  id: 'pitr-period',
  requirements: ['R7.3'],
  description: `the data table can be restored to any point of the last ${MINIMUM_DAYS} days or more`,
  run(set) {
    const table = dataTable(set);
    if (!table) return fail(`no table named ${resourceNames(set.env).dataTable}`);
    const { enabled, days } = pitrOf(table);
    if (!enabled) return fail(`${table.props.TableName}: point-in-time recovery is off`);
    return days >= MINIMUM_DAYS
      ? pass(`${table.props.TableName}: recovery period ${days} days`)
      : fail(`${table.props.TableName}: recovery period ${days} days, below ${MINIMUM_DAYS}`);
  },
};
