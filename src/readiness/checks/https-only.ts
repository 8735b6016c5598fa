import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, referencedIds, resourcesOf, type TemplateSet } from '../template-set.ts';

const deniesPlainTransport = (document: unknown) =>
  ((document as { Statement?: Json[] })?.Statement ?? []).some(
    (s) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false',
  );

/** Resources of `type` without a policy of `policyType` (found through `refKey`) denying plain HTTP. */
function unprotected(set: TemplateSet, type: string, policyType: string, refKey: string) {
  const policies = resourcesOf(set, policyType).filter((p) => deniesPlainTransport(p.props.PolicyDocument));
  return resourcesOf(set, type)
    .filter((r) => !policies.some((p) => referencedIds(p.props[refKey]).includes(r.logicalId)))
    .map((r) => r.logicalId);
}

export const httpsOnly: TemplateCheck = {
  id: 'https-only',
  requirements: ['R8.3'],
  description: 'every bucket, queue and topic refuses requests without TLS (aws:SecureTransport)',
  run(set) {
    const missing = [
      ...unprotected(set, 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'Bucket'),
      ...unprotected(set, 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'Queues'),
      ...unprotected(set, 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'Topics'),
    ];
    const count = ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SNS::Topic']
      .map((t) => resourcesOf(set, t).length)
      .reduce((a, b) => a + b, 0);
    return missing.length > 0
      ? fail(`plain HTTP allowed on ${missing.join(', ')}`)
      : pass(
          `${count} buckets, queues and topics deny aws:SecureTransport false; API Gateway serves HTTPS only`,
        );
  },
};
