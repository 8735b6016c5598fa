import { fail, pass, type TemplateCheck } from '../check.ts';
import { referencedIds, resourcesOf } from '../template-set.ts';

export const deadLetterQueues: TemplateCheck = {
  id: 'dead-letter-queues',
  requirements: ['C10'],
  description: 'every queue a function consumes redrives to a dead-letter queue after a few receives',
  run(set) {
    const queues = resourcesOf(set, 'AWS::SQS::Queue');
    const consumed = resourcesOf(set, 'AWS::Lambda::EventSourceMapping').flatMap((m) =>
      referencedIds(m.props.EventSourceArn),
    );
    const sources = queues.filter((q) => consumed.includes(q.logicalId));
    if (sources.length === 0) return fail('no queue consumed by a function');
    const problems = sources
      .filter(
        (q) => !q.props.RedrivePolicy?.deadLetterTargetArn || !(q.props.RedrivePolicy.maxReceiveCount <= 10),
      )
      .map(
        (q) =>
          `${q.props.QueueName ?? q.logicalId}: ${q.props.RedrivePolicy ? `maxReceiveCount ${q.props.RedrivePolicy.maxReceiveCount}` : 'no DLQ'}`,
      );
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(
          `${sources.length} stage queues redrive after ${[...new Set(sources.map((q) => q.props.RedrivePolicy.maxReceiveCount))].join('/')} receives`,
        );
  },
};
