import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

export const encryptionAtRest: TemplateCheck = {
  id: 'encryption-at-rest',
  requirements: ['R8.4'],
  description: 'tables, buckets, queues and topics are encrypted at rest',
  run(set) {
    const problems = [
      ...[...resourcesOf(set, 'AWS::DynamoDB::GlobalTable'), ...resourcesOf(set, 'AWS::DynamoDB::Table')]
        .filter((t) => t.props.SSESpecification?.SSEEnabled !== true)
        .map((t) => `table ${t.props.TableName ?? t.logicalId} uses no KMS encryption`),
      ...resourcesOf(set, 'AWS::S3::Bucket')
        .filter(
          (b) =>
            !/^(aws:kms|aws:kms:dsse|AES256)$/.test(
              b.props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault
                ?.SSEAlgorithm ?? '',
            ),
        )
        .map((b) => `bucket ${b.logicalId} has no default encryption`),
      ...resourcesOf(set, 'AWS::SQS::Queue')
        .filter((q) => q.props.SqsManagedSseEnabled !== true && !q.props.KmsMasterKeyId)
        .map((q) => `queue ${q.props.QueueName ?? q.logicalId} is not encrypted`),
      ...resourcesOf(set, 'AWS::SNS::Topic')
        .filter((t) => !t.props.KmsMasterKeyId)
        .map((t) => `topic ${t.props.TopicName ?? t.logicalId} is not encrypted`),
    ];
    const count = [
      'AWS::DynamoDB::GlobalTable',
      'AWS::DynamoDB::Table',
      'AWS::S3::Bucket',
      'AWS::SQS::Queue',
      'AWS::SNS::Topic',
    ]
      .map((t) => resourcesOf(set, t).length)
      .reduce((a, b) => a + b, 0);
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${count} tables, buckets, queues and topics encrypted`);
  },
};
