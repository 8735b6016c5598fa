import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { alarmsOf } from './helpers.ts';

export const alarmDynamoDb: TemplateCheck = {
  id: 'alarm-dynamodb',
  requirements: ['C7'],
  description: 'the data table alarms on throttled requests and on system errors',
  alarms: ['dynamodb-throttles', 'dynamodb-system-errors'],
  run(set) {
    const problems = ['dynamodb-throttles', 'dynamodb-system-errors'].flatMap((id) =>
      alarmsOf(set, id).some(
        (a) =>
          String(a.props.AlarmName).endsWith('-data') ||
          JSON.stringify(a.props).includes(resourceNames(set.env).dataTable),
      )
        ? []
        : [`no ${id} alarm on the data table`],
    );
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass('dynamodb-throttles and dynamodb-system-errors on the data table');
  },
};
