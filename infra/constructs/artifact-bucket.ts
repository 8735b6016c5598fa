import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ArtifactBucketProps {
  /** Retain on stack deletion. Default true. */
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
    const removalPolicy = props.retain === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.logBucket = new Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90) }],
      removalPolicy,
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
    });
  }
}
