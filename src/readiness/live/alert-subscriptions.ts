import { paginateListSubscriptionsByTopic, type Subscription } from '@aws-sdk/client-sns';
import { accountNames, resourceNames } from '../../naming.ts';
import { fail, pass } from '../check.ts';
import { resourcesOf } from '../template-set.ts';
import { awsProblem, type LiveCheck } from './context.ts';

/** SNS's SubscriptionArn of an email subscription nobody has confirmed yet. */
const PENDING = 'PendingConfirmation';
const EMAIL_PROTOCOLS = ['email', 'email-json'];

/** An address as evidence may show it: `a***@example.com` (alert addresses are personal data). */
export function maskEmail(address: string | undefined): string {
  const at = address?.lastIndexOf('@') ?? -1;
  if (!address || at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

export const liveAlertSubscriptions: LiveCheck = {
  id: 'live:alert-subscriptions',
  requirements: ['R3.4', 'C4'],
  description:
    'every email subscription of the alert topics (environment and account) is confirmed, so alerts reach someone',
  async run(ctx) {
    const wanted = [
      resourceNames(ctx.set.env).topic('general'),
      resourceNames(ctx.set.env).topic('critical'),
      accountNames.topic('general'),
      accountNames.topic('critical'),
    ];
    // The template says which of them exist and where (the account topics live in its region).
    const topics = resourcesOf(ctx.set, 'AWS::SNS::Topic')
      .filter((t) => wanted.includes(t.props.TopicName))
      .map((t) => {
        const region = ctx.regionOf(t.stack);
        const name = t.props.TopicName as string;
        return { name, region, arn: `arn:${ctx.partition}:sns:${region}:${ctx.account}:${name}` };
      });
    if (topics.length === 0) return fail('no alert topic in the template');
    const problems: string[] = [];
    let confirmed = 0;
    for (const topic of topics) {
      const emails: Subscription[] = [];
      try {
        for await (const page of paginateListSubscriptionsByTopic(
          { client: ctx.sns(topic.region) },
          { TopicArn: topic.arn },
        ))
          emails.push(
            ...(page.Subscriptions ?? []).filter((s) => EMAIL_PROTOCOLS.includes(s.Protocol ?? '')),
          );
      } catch (error) {
        problems.push(awsProblem(topic.name, error));
        continue;
      }
      if (emails.length === 0) problems.push(`${topic.name}: no email subscription`);
      for (const s of emails) {
        if (s.SubscriptionArn?.startsWith('arn:')) confirmed += 1;
        else
          problems.push(
            `${topic.name}: ${maskEmail(s.Endpoint)} ${s.SubscriptionArn === PENDING ? 'pending confirmation' : (s.SubscriptionArn ?? 'not confirmed')}`,
          );
      }
    }
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${confirmed} email subscription(s) confirmed on ${topics.map((t) => t.name).join(', ')}`);
  },
};
