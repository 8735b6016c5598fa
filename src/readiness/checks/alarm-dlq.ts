import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, referencedIds, refersTo, resourcesOf } from '../template-set.ts';

export const alarmDlq: TemplateCheck = {
  id: 'alarm-dlq',
  requirements: ['C8'],
  description:
    'every dead-letter queue (of a queue, a function, a rule target or a subscription) has a message alarm',
  alarms: ['dlq-messages'],
  run(set) {
    const everything = set.stacks.flatMap((s) => Object.values(s.template.Resources ?? {}));
    const dlqIds = new Set(
      everything.flatMap((r) =>
        referencedIds([
          r.Properties?.RedrivePolicy?.deadLetterTargetArn,
          r.Properties?.DeadLetterConfig?.TargetArn,
          ...((r.Properties?.Targets ?? []) as Json[]).map((t) => t.DeadLetterConfig?.Arn),
        ]),
      ),
    );
    const dlqs = resourcesOf(set, 'AWS::SQS::Queue').filter((q) => dlqIds.has(q.logicalId));
    if (dlqs.length === 0) return fail('no dead-letter queue');
    // Any alarm on the queue counts, whichever stack owns it (shared stacks have their own prefix).
    const alarms = resourcesOf(set, 'AWS::CloudWatch::Alarm');
    const missing = dlqs.filter(
      (q) => !alarms.some((a) => refersTo([a.props.Dimensions, a.props.Metrics], q)),
    );
    return missing.length > 0
      ? fail(`DLQs without an alarm: ${missing.map((q) => q.props.QueueName ?? q.logicalId).join(', ')}`)
      : pass(`${dlqs.length} DLQs, each with a dlq-messages alarm`);
  },
};
