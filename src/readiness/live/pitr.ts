import { DescribeContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { resourceNames } from '../../naming.ts';
import { fail, pass } from '../check.ts';
import { awsProblem, type LiveCheck } from './context.ts';

export const livePitr: LiveCheck = {
  id: 'live:pitr',
  requirements: ['R7.1', 'R7.3'],
  description: 'point-in-time recovery is ENABLED on the deployed data table, for 7 days or more',
  async run(ctx) {
    const table = resourceNames(ctx.set.env).dataTable;
    try {
      const { ContinuousBackupsDescription: d } = await ctx.dynamodb.send(
        new DescribeContinuousBackupsCommand({ TableName: table }),
      );
      const pitr = d?.PointInTimeRecoveryDescription;
      if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED')
        return fail(`${table}: point-in-time recovery ${pitr?.PointInTimeRecoveryStatus ?? 'unknown'}`);
      const days = pitr.RecoveryPeriodInDays ?? 35;
      if (days < 7) return fail(`${table}: recovery period ${days} days, below 7`);
      return pass(
        `${table}: ENABLED, ${days} days, restorable from ${pitr.EarliestRestorableDateTime?.toISOString() ?? 'unknown'}`,
      );
    } catch (error) {
      return fail(awsProblem(table, error));
    }
  },
};
