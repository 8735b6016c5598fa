import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { parseRestoreDrillRecord } from '../../domain/restore-drill.ts';
import { resourceNames } from '../../naming.ts';
import { fail, pass } from '../check.ts';
import { awsProblem, isAwsError, type LiveCheck } from './context.ts';

/** A restore drill proves recovery only while it is recent: older than this, run it again. */
export const RESTORE_DRILL_MAX_AGE_DAYS = 90;
const DAY_MS = 86_400_000;

export const liveRestoreDrill: LiveCheck = {
  id: 'live:restore-drill',
  requirements: ['R7.5'],
  description: `the last restore drill (agenticai drill restore) passed within ${RESTORE_DRILL_MAX_AGE_DAYS} days`,
  async run(ctx) {
    const name = resourceNames(ctx.set.env).restoreDrillParameter;
    let value: string | undefined;
    try {
      value = (await ctx.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    } catch (error) {
      if (isAwsError(error, 'ParameterNotFound'))
        return fail(`no drill recorded (${name}): run agenticai drill restore --env ${ctx.set.env}`);
      return fail(awsProblem(name, error));
    }
    const record = parseRestoreDrillRecord(value);
    if (!record) return fail(`${name} holds no restore-drill record (malformed)`);
    const finished = new Date(record.finishedAt);
    if (Number.isNaN(finished.getTime()))
      return fail(`${name}: finishedAt ${record.finishedAt} is not a time`);
    const days = Math.floor((ctx.now().getTime() - finished.getTime()) / DAY_MS);
    if (record.result === 'fail')
      return fail(`last drill ${record.finishedAt} failed: ${record.reason ?? 'no reason recorded'}`);
    if (days > RESTORE_DRILL_MAX_AGE_DAYS)
      return fail(
        `last drill passed ${record.finishedAt}, ${days} days ago (older than ${RESTORE_DRILL_MAX_AGE_DAYS}): run agenticai drill restore --env ${ctx.set.env}`,
      );
    return pass(
      `last drill passed ${record.finishedAt} (${days} days ago): ${record.itemsRestored}/${record.itemsSource} items, RTO ${record.rtoSeconds} s, RPO ${record.rpoSeconds} s`,
    );
  },
};
