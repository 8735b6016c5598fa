import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { fail, pass } from '../check.ts';
import { resourcesOf } from '../template-set.ts';
import { awsProblem, type LiveCheck } from './context.ts';

export const liveLogRetention: LiveCheck = {
  id: 'live:log-retention',
  requirements: ['R9.3'],
  description: 'every named log group of the template is deployed with its 30-day retention',
  async run(ctx) {
    // Names made of references (the API Gateway execution log group) are checked by the template check.
    const names = resourcesOf(ctx.set, 'AWS::Logs::LogGroup')
      .map((g) => g.props.LogGroupName)
      .filter((n): n is string => typeof n === 'string');
    if (names.length === 0) return fail('no named log group in the template');
    const problems: string[] = [];
    for (const name of names) {
      try {
        const { logGroups = [] } = await ctx.logs.send(
          new DescribeLogGroupsCommand({ logGroupNamePrefix: name }),
        );
        const group = logGroups.find((g) => g.logGroupName === name);
        if (!group) problems.push(`${name} not deployed`);
        else if (group.retentionInDays !== 30)
          problems.push(`${name}: retention ${group.retentionInDays ?? 'never expires'}`);
      } catch (error) {
        problems.push(awsProblem(name, error));
      }
    }
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${names.length} named log groups retained 30 days (generated names: template check only)`);
  },
};
