import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { fail, pass } from '../check.ts';
import { referencedIds, resourcesOf } from '../template-set.ts';
import { awsProblem, type LiveCheck } from './context.ts';

export const liveDeadLetters: LiveCheck = {
  id: 'live:dead-letters',
  requirements: ['C10'],
  description: 'the deployed dead-letter queues are empty (messages there are work nobody finished)',
  async run(ctx) {
    const all = ctx.set.stacks.flatMap((s) => Object.values(s.template.Resources ?? {}));
    const dlqIds = new Set(
      all.flatMap((r) => referencedIds(r.Properties?.RedrivePolicy?.deadLetterTargetArn)),
    );
    const names = resourcesOf(ctx.set, 'AWS::SQS::Queue')
      .filter((q) => dlqIds.has(q.logicalId) && typeof q.props.QueueName === 'string')
      .map((q) => q.props.QueueName as string);
    if (names.length === 0) return fail('no named dead-letter queue in the template');
    const problems: string[] = [];
    for (const name of names) {
      try {
        const { QueueUrl } = await ctx.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        const { Attributes } = await ctx.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        const count = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
        if (count > 0) problems.push(`${name}: ${count} dead letters (agenticai dlq list)`);
      } catch (error) {
        problems.push(awsProblem(name, error));
      }
    }
    return problems.length > 0 ? fail(problems.join('; ')) : pass(`${names.length} dead-letter queues empty`);
  },
};
