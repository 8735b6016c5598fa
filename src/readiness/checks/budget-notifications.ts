import { fail, pass, type TemplateCheck } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import { type Json, referencedIds, resourcesOf } from '../template-set.ts';
import { monthlyBudgets } from './budget.ts';

/** ACTUAL spend above `percent` of the budget notifies the `topic` alert topic and an email address. */
function budgetAlert(
  requirement: RequirementId,
  percent: number,
  topic: 'general' | 'critical',
): TemplateCheck {
  return {
    id: `budget-actual-${percent}`,
    requirements: [requirement],
    description: `ACTUAL spend above ${percent} % of the budget notifies the ${topic} topic and email`,
    run(set) {
      const budgets = monthlyBudgets(set);
      if (budgets.length === 0) return fail('no monthly COST budget');
      const topicIds = resourcesOf(set, 'AWS::SNS::Topic')
        .filter((t) => String(t.props.TopicName).endsWith(`-${topic}`))
        .map((t) => t.logicalId);
      const notification = ((budgets[0]!.props.NotificationsWithSubscribers ?? []) as Json[]).find(
        (n) =>
          n.Notification.NotificationType === 'ACTUAL' &&
          n.Notification.Threshold === percent &&
          (n.Notification.ThresholdType ?? 'PERCENTAGE') === 'PERCENTAGE' &&
          n.Notification.ComparisonOperator === 'GREATER_THAN',
      );
      if (!notification) return fail(`no ACTUAL > ${percent} % notification`);
      const subscribers = notification.Subscribers as Json[];
      const toTopic = subscribers.some(
        (s) => s.SubscriptionType === 'SNS' && referencedIds(s.Address).some((id) => topicIds.includes(id)),
      );
      const emails = subscribers.filter((s) => s.SubscriptionType === 'EMAIL').length;
      if (!toTopic) return fail(`ACTUAL > ${percent} % does not notify a ${topic} topic`);
      if (emails === 0) return fail(`ACTUAL > ${percent} % notifies no email address`);
      return pass(`ACTUAL > ${percent} % → ${topic} topic + ${emails} email address(es)`);
    },
  };
}

export const budgetActual80 = budgetAlert('R5.2', 80, 'general');
export const budgetActual100 = budgetAlert('R5.3', 100, 'critical');
