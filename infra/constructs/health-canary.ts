import { join } from 'node:path';
import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ArtifactsBucketLocation, Canary, Code, Runtime, Schedule } from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { repositoryRoot } from '../paths.ts';
import { retainProviderLogs } from './artifact-bucket.ts';

/** Newest Node.js script runtime aws-cdk-lib offers (syn-nodejs-3.x is the multi-checks blueprint, not scripts). */
export const CANARY_RUNTIME = Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0;
/** R11.1. */
export const CANARY_INTERVAL_MINUTES = 5;
/** Run artifacts (logs, HAR) are kept this long; failed and successful runs alike. */
export const CANARY_ARTIFACT_RETENTION_DAYS = 30;

export interface HealthCanaryProps {
  /** At most 21 characters, lower case: Synthetics' own limit. */
  readonly name: string;
  /** The API's base URL. */
  readonly endpoint: string;
  readonly keySecret: ISecret;
  readonly stepBudgetMs: number;
  readonly removalPolicy: RemovalPolicy;
  /** Minutes between runs (config `canaryIntervalMinutes`). @default CANARY_INTERVAL_MINUTES */
  readonly intervalMinutes?: number;
}

/** src/canary/synthetics-handler.ts as one CommonJS file; the runtime provides the SDK and Synthetics. */
function bundledScript(): string {
  const out = buildSync({
    entryPoints: [join(repositoryRoot(), 'src/canary/synthetics-handler.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['Synthetics', '@aws-sdk/*'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/**
 * The health-check canary (R11): the same script as `agenticai canary run`, every 5 minutes, with
 * its key read from the canary secret on every run and its artifacts in an encrypted, TLS-only
 * bucket that expires them.
 */
export class HealthCanary extends Construct {
  readonly canary: Canary;
  readonly artifacts: Bucket;

  constructor(scope: Construct, id: string, props: HealthCanaryProps) {
    super(scope, id);
    this.artifacts = new Bucket(this, 'Artifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(CANARY_ARTIFACT_RETENTION_DAYS),
          // Versioned with the 30-day non-current expiry every bucket of the stack has (R7.4).
          noncurrentVersionExpiration: Duration.days(CANARY_ARTIFACT_RETENTION_DAYS),
        },
      ],
      removalPolicy: props.removalPolicy,
      // Like the other buckets: emptied on delete where the stack does not retain data (dev).
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    if (props.removalPolicy === RemovalPolicy.DESTROY) retainProviderLogs(this, [this.artifacts]);
    Validations.of(this.artifacts).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Canary run artifacts (logs, HAR files) written only by the canary role; access logs would double their volume for no audit value.',
    });
    this.canary = new Canary(this, 'Canary', {
      canaryName: props.name,
      runtime: CANARY_RUNTIME,
      schedule: Schedule.rate(Duration.minutes(props.intervalMinutes ?? CANARY_INTERVAL_MINUTES)),
      test: { code: Code.fromInline(bundledScript()), handler: 'index.handler' },
      environmentVariables: {
        CANARY_ENDPOINT: props.endpoint,
        CANARY_KEY_SECRET_ID: props.keySecret.secretArn,
        CANARY_STEP_BUDGET_MS: String(props.stepBudgetMs),
      },
      artifactsBucketLocation: { bucket: this.artifacts } satisfies ArtifactsBucketLocation,
      successRetentionPeriod: Duration.days(CANARY_ARTIFACT_RETENTION_DAYS),
      failureRetentionPeriod: Duration.days(CANARY_ARTIFACT_RETENTION_DAYS),
      timeout: Duration.minutes(1),
      provisionedResourceCleanup: true,
    });
    props.keySecret.grantRead(this.canary.role);
    this.acknowledgeRole();
  }

  /** The policy CDK gives every canary role; each wildcard acknowledged by its exact resource. */
  private acknowledgeRole() {
    const stack = Stack.of(this);
    const bucket = stack.resolve(stack.getLogicalId(this.artifacts.node.defaultChild as CfnElement));
    // cdk-nag names the partition as a literal when the stack's region is known.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const findings: [string, string][] = [
      [
        `Resource::<${bucket}.Arn>/*`,
        'Run artifacts under prefixes Synthetics names per run, in this canary bucket only.',
      ],
      [
        `Resource::arn:${partition}:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/cwsyn-*`,
        "The canary's Lambda log groups, named by Synthetics (cwsyn-<canary>-<id>) when it creates the function.",
      ],
      [
        'Resource::*',
        'cloudwatch:PutMetricData (limited by a condition to the CloudWatchSynthetics namespace) and s3:ListAllMyBuckets support no resource.',
      ],
    ];
    for (const [finding, reason] of findings)
      Validations.of(this.canary.role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    Validations.of(this.canary.role).acknowledge({
      id: 'Serverless-LambdaStarPermissions',
      reason:
        'The same wildcards as the IAM5 acknowledgements: the policy CDK generates for every canary role.',
    });
  }
}
