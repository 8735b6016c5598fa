import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Alias,
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resourceNames } from '../../src/naming.ts';
import { METRICS_NAMESPACE } from '../../src/observability/metrics.ts';
import { repositoryRoot } from '../paths.ts';

export interface ServiceFunctionProps {
  /** Entry file, relative to the repository root. */
  entry: string;
  memoryMb: number;
  timeout: Duration;
  environment: Record<string, string>;
  serviceName: string;
  environmentName: string;
  /** Reserved concurrency (omitted: the account's unreserved pool). */
  reservedConcurrency?: number;
  /** Log retention. Default 30 days (R9.3). */
  logRetention?: RetentionDays;
  /** Log group name; default generated. Set where tools look the group up (the notifier's). */
  logGroupName?: string;
  /** Dead-letter queue for asynchronous invocations (only asynchronously invoked functions need one). */
  deadLetterQueue?: IQueue;
  /** Ship source maps (3-5 MB per bundle, slower cold starts). Default false. */
  sourceMaps?: boolean;
}

/**
 * How every function is bundled; `npm run bench:bundle` builds with exactly these settings.
 * AWS SDK included, so the SDK that runs is the one that was tested. ES modules first
 * (`module` before `main`): the SDK's and zod's ESM builds tree-shake, their CommonJS ones do not
 * (the API bundle is a third smaller).
 */
export function serviceBundling(sourceMaps: boolean) {
  return {
    minify: true,
    sourceMap: sourceMaps,
    target: 'node22',
    format: OutputFormat.ESM,
    mainFields: ['module', 'main'],
    bundleAwsSDK: true,
    // ESM bundles still meet CommonJS dependencies that call require().
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    forceDockerBundling: false,
  } satisfies BundlingOptions;
}

/** What a function that ships source maps also needs in its environment (they cost cold-start time). */
export const SOURCE_MAP_ENVIRONMENT = { NODE_OPTIONS: '--enable-source-maps' } as const;

/**
 * A Lambda function built the same way for the API and the workers: bundled locally with esbuild
 * (AWS SDK included, so the SDK that runs is the one that was tested), newest Node.js runtime,
 * arm64, JSON logs into an explicit 30-day log group (R9.2, R9.3), X-Ray, Powertools settings, and
 * a `live` alias on the current version: event sources target the alias, so rollback moves it.
 * Deploys move the alias through CodeDeploy (GradualDeployments in ./gradual-deployment.ts).
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly alias: Alias;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An inline role instead of AWSLambdaBasicExecutionRole: logs go to this function's group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.serviceName} (${props.environmentName})`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      role: this.role,
      deadLetterQueue: props.deadLetterQueue,
      // Relative to the repository, wherever the app is synthesized from (cdk, tests, `agenticai readiness`).
      entry: join(repositoryRoot(), props.entry),
      depsLockFilePath: join(repositoryRoot(), 'package-lock.json'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.INFO,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...props.environment,
        AGENTICAI_MODE: 'aws',
        AGENTICAI_ENV: props.environmentName,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(props.sourceMaps && SOURCE_MAP_ENVIRONMENT),
      },
      bundling: serviceBundling(props.sourceMaps ?? false),
    });
    this.alias = new Alias(this, 'Live', {
      aliasName: resourceNames(props.environmentName).liveAlias,
      version: this.function.currentVersion,
    });
  }
}
