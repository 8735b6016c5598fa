import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ArtifactBucketProps {
  /**
   * Retain on stack deletion or replacement except after a failed create (a retry then starts
   * clean). Default true. Without it the buckets are emptied and deleted with the stack (dev).
   */
  retain?: boolean;
  /** Days a non-current version is kept (R7.4). Default 30. */
  noncurrentVersionDays?: number;
  /** Days server access logs are kept. Default 90. */
  accessLogDays?: number;
}

/** Artifacts: versioned (R7.2), old versions expire (R7.4), encrypted, TLS only, never public, access-logged. */
export class ArtifactBucket extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps = {}) {
    super(scope, id);
    const retain = props.retain !== false;
    const removalPolicy = retain ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
    const autoDeleteObjects = !retain;
    this.logBucket = new Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90) }],
      removalPolicy,
      autoDeleteObjects,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });
    this.bucket = new Bucket(this, 'Artifacts', {
      versioned: true,
      encryption: BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    if (autoDeleteObjects) retainProviderLogs(this, [this.logBucket, this.bucket]);
  }
}

/**
 * The provider function behind `autoDeleteObjects` (one per stack) would log into a group it
 * creates on first use, with no expiry; create that group first, 30 days (R9.3).
 */
export function retainProviderLogs(scope: Construct, buckets: Bucket[]) {
  const stack = Stack.of(scope);
  const provider = stack.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
  const handler = provider?.node.tryFindChild('Handler') as CfnResource | undefined;
  if (!handler) return;
  const logs =
    (stack.node.tryFindChild('AutoDeleteObjectsLogs') as LogGroup | undefined) ??
    new LogGroup(stack, 'AutoDeleteObjectsLogs', {
      logGroupName: `/aws/lambda/${handler.ref}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  // The function runs when each emptier resource is created (and deleted): after the group exists.
  for (const bucket of buckets)
    bucket.node.tryFindChild('AutoDeleteObjectsCustomResource')?.node.addDependency(logs);
}
