import {
  type CfnElement,
  Duration,
  SecretValue,
  Stack,
  type StackProps,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STAGES } from '../../src/domain/project.ts';
import { resourceNames } from '../../src/naming.ts';
import { SERVICES } from '../../src/observability/metrics.ts';
import type { EnvironmentConfig } from '../config.ts';
import { ApiFirewall } from '../constructs/api-firewall.ts';
import { ArtifactBucket } from '../constructs/artifact-bucket.ts';
import { DataTables } from '../constructs/data-tables.ts';
import { SecureRestApi } from '../constructs/secure-rest-api.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { StageQueues } from '../constructs/stage-queues.ts';
import { Monitoring } from '../observability/monitoring.ts';

export interface AgenticAiStackProps extends StackProps {
  config: EnvironmentConfig;
}

/** One environment of AgenticAI: API, workers, data, queues, secrets — hardened by default. */
export class AgenticAiStack extends Stack {
  readonly tables: DataTables;
  readonly artifacts: ArtifactBucket;
  readonly queues: StageQueues;
  readonly api: SecureRestApi;
  readonly apiFunction: ServiceFunction;
  readonly workerFunction: ServiceFunction;
  readonly sweeperFunction: ServiceFunction;
  readonly pepperSecret: Secret;
  readonly canaryKeySecret: Secret;
  readonly monitoring: Monitoring;
  readonly notifierFunction: ServiceFunction;
  readonly firewall: ApiFirewall;

  constructor(scope: Construct, id: string, props: AgenticAiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = resourceNames(config.name);
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', config.name);
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    this.tables = new DataTables(this, 'Tables', {
      dataTableName: names.dataTable,
      countersTableName: names.countersTable,
      pitrRecoveryPeriodDays: config.pitrRecoveryPeriodDays,
      retain: config.retainData,
    });
    this.artifacts = new ArtifactBucket(this, 'Artifacts', { retain: config.retainData });
    const workerTimeout = Duration.seconds(config.workers.timeoutSeconds);
    this.queues = new StageQueues(this, 'Queues', {
      queueName: names.stageQueue,
      dlqName: names.stageDlq,
      workerTimeout,
    });

    this.pepperSecret = new Secret(this, 'KeyPepper', {
      secretName: names.pepperSecret,
      description:
        'Pepper for API key hashes: {"current":N,"N":"..."}. Add a version to rotate; see docs/RUNBOOK.md.',
      generateSecretString: {
        secretStringTemplate: '{"current":1}',
        generateStringKey: '1',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });
    this.canaryKeySecret = new Secret(this, 'CanaryApiKey', {
      secretName: `agenticai/${config.name}/canary-api-key`,
      description: 'API key the canaries use; filled after deploy by agenticai keys create --store-secret.',
    });
    for (const secret of [this.pepperSecret, this.canaryKeySecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Not a credential Secrets Manager can rotate: the pepper rotates by adding a version (old keys keep verifying), the canary key by agenticai keys rotate.',
      });
    }

    const shared = {
      DATA_TABLE_NAME: names.dataTable,
      COUNTERS_TABLE_NAME: names.countersTable,
      ARTIFACT_BUCKET_NAME: this.artifacts.bucket.bucketName,
      PEPPER_SECRET_ID: this.pepperSecret.secretArn,
      QUEUE_URL_PM: this.queues.queues.pm.queueUrl,
      QUEUE_URL_DEV: this.queues.queues.dev.queueUrl,
      QUEUE_URL_QA: this.queues.queues.qa.queueUrl,
      QUEUE_URL_OPS: this.queues.queues.ops.queueUrl,
      MODEL_PROVIDER: 'bedrock',
      BEDROCK_MODEL_ID: config.bedrockModelId,
      PIPELINE_LEASE_SECONDS: String(config.workers.timeoutSeconds * 3),
    };

    this.apiFunction = new ServiceFunction(this, 'ApiFunction', {
      entry: 'src/http/lambda.ts',
      memoryMb: config.api.memoryMb,
      timeout: Duration.seconds(config.api.timeoutSeconds),
      environment: shared,
      serviceName: SERVICES.api,
      environmentName: config.name,
      reservedConcurrency: config.api.reservedConcurrency,
    });
    this.workerFunction = new ServiceFunction(this, 'WorkerFunction', {
      entry: 'src/workers/lambda.ts',
      memoryMb: config.workers.memoryMb,
      timeout: workerTimeout,
      environment: shared,
      serviceName: SERVICES.worker,
      environmentName: config.name,
    });
    const sweeperDlq = new Queue(this, 'SweeperDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.sweeperFunction = new ServiceFunction(this, 'SweeperFunction', {
      deadLetterQueue: sweeperDlq,
      entry: 'src/workers/sweeper.ts',
      memoryMb: 256,
      timeout: Duration.seconds(60),
      environment: shared,
      serviceName: SERVICES.sweeper,
      environmentName: config.name,
    });

    // Least privilege: each function gets exactly the resources it touches.
    const api = this.apiFunction.function;
    this.tables.data.grantReadWriteData(api);
    this.tables.counters.grantReadWriteData(api);
    this.artifacts.bucket.grantRead(api);
    this.pepperSecret.grantRead(api);
    this.queues.queues.pm.grantSendMessages(api);
    for (const fn of [this.workerFunction.function, this.sweeperFunction.function]) {
      this.tables.data.grantReadWriteData(fn);
      this.artifacts.bucket.grantReadWrite(fn);
      for (const stage of STAGES) this.queues.queues[stage].grantSendMessages(fn);
    }
    this.workerFunction.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [
          `arn:${this.partition}:bedrock:${this.region}::foundation-model/${config.bedrockModelId}`,
        ],
      }),
    );

    for (const stage of STAGES) {
      this.workerFunction.alias.addEventSource(
        new SqsEventSource(this.queues.queues[stage], {
          batchSize: 5,
          reportBatchItemFailures: true,
          maxConcurrency: config.workers.maxConcurrency,
        }),
      );
    }

    new Rule(this, 'SweeperSchedule', {
      description: 'Re-queue stalled projects and publish StuckProjects',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [
        new LambdaFunction(this.sweeperFunction.alias, { deadLetterQueue: sweeperDlq, retryAttempts: 2 }),
      ],
    });
    Validations.of(sweeperDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue (failed sweeper invocations).',
    });
    for (const stage of STAGES) {
      Validations.of(this.queues.deadLetterQueues[stage]).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of its stage queue.',
      });
    }

    this.acknowledgeFindings(sweeperDlq);

    const restApi = new SecureRestApi(this, 'Api', {
      name: names.stack,
      handler: this.apiFunction.alias,
      stageName: 'v1',
      throttleRateLimit: config.api.throttleRateLimit,
      throttleBurstLimit: config.api.throttleBurstLimit,
      customDomain: config.customDomain,
    });
    this.api = restApi;
    this.firewall = new ApiFirewall(this, 'Firewall', {
      name: names.stack,
      api: restApi.api,
      ratePerIpPer5Min: config.waf.ratePerIpPer5Min,
      blockAnonymousIps: config.waf.blockAnonymousIps,
    });

    // Slack notifier (R3.5): email stays the baseline; the webhook secret is filled when Slack is wanted.
    const slackWebhook = new Secret(this, 'SlackWebhook', {
      secretName: `agenticai/${config.name}/slack-webhook`,
      description:
        'Slack incoming-webhook URL for alerts (https://hooks.slack.com/...); anything else means Slack is off.',
      secretStringValue: SecretValue.unsafePlainText('unset'),
    });
    Validations.of(slackWebhook).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A Slack webhook URL is issued by Slack, not rotatable by Secrets Manager; replace it by hand when Slack rotates it.',
    });
    const notifierDlq = new Queue(this, 'NotifierDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(notifierDlq).acknowledge({
        id,
        reason: 'This queue is itself a dead-letter queue (alerts the notifier could not post).',
      });
    }
    this.notifierFunction = new ServiceFunction(this, 'NotifierFunction', {
      entry: 'src/notifier/lambda.ts',
      memoryMb: 256,
      timeout: Duration.seconds(30),
      environment: { SLACK_WEBHOOK_SECRET_ID: slackWebhook.secretArn },
      serviceName: SERVICES.notifier,
      environmentName: config.name,
      // `agenticai alarms test` reads the notifier's receipt lines from here.
      logGroupName: names.notifierLogGroup,
      deadLetterQueue: notifierDlq,
    });
    slackWebhook.grantRead(this.notifierFunction.function);
    // Kept warning: SNS accepts a qualified (alias) ARN for the lambda protocol; the subscription
    // targets `live` on purpose so a rollback moves the notifier too.
    Validations.of(this.notifierFunction.alias).acknowledge({
      id: 'CloudFormation-Validate::W3694',
      reason: 'SNS lambda subscriptions accept qualified ARNs; the alias is deliberate (rollback moves it).',
    });
    for (const [finding, reason] of [
      [
        'Resource::*',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; a test checks that only X-Ray actions use "*".',
      ],
    ] as const) {
      Validations.of(this.notifierFunction).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      envName: config.name,
      adminEmails: config.adminEmails,
      notifier: { handler: this.notifierFunction.alias, function: this.notifierFunction.function },
      functions: (
        [
          { label: 'api', fn: this.apiFunction, limit: config.api.reservedConcurrency },
          { label: 'worker', fn: this.workerFunction },
          { label: 'sweeper', fn: this.sweeperFunction, scheduled: true },
          { label: 'notifier', fn: this.notifierFunction },
        ] as const
      ).map(({ label, fn, ...rest }) => ({
        label,
        functionName: fn.function.functionName,
        logGroup: fn.logGroup,
        concurrencyLimit: ('limit' in rest ? rest.limit : undefined) ?? config.accountConcurrencyLimit,
        timeoutSeconds: fn.function.timeout!.toSeconds(),
        scheduled: 'scheduled' in rest,
      })),
      api: { name: names.stack, stage: 'v1' },
      waf: { webAclName: names.stack, region: this.region, ruleNames: this.firewall.ruleNames },
      tables: [
        { label: 'data', tableName: names.dataTable },
        { label: 'counters', tableName: names.countersTable },
      ],
      queues: STAGES.map((stage) => ({ label: stage, queueName: names.stageQueue(stage) })),
      deadLetterQueues: [
        ...STAGES.map((stage) => ({ label: `${stage}-dlq`, queueName: names.stageDlq(stage) })),
        { label: 'sweeper-dlq', queueName: sweeperDlq.queueName },
        { label: 'notifier-dlq', queueName: notifierDlq.queueName },
      ],
    });
  }

  /**
   * cdk-nag findings that are accepted, each with its reason (listed in docs/SECURITY.md). IAM5
   * findings are acknowledged one by one, naming the exact resource, never the rule as a whole.
   */
  private acknowledgeFindings(sweeperDlq: Queue) {
    const logicalId = (construct: Construct) =>
      this.resolve(this.getLogicalId(construct.node.defaultChild as CfnElement));
    const table = logicalId(this.tables.data);
    const bucket = logicalId(this.artifacts.bucket);
    const grants: [string, string][] = [
      [
        `Resource::<${table}.Arn>/index/*`,
        "grantReadWriteData: the data table's own indexes (GSI1, GSI2) only.",
      ],
      [
        `Resource::<${bucket}.Arn>/*`,
        'Objects of the one artifact bucket (keys are per client and project, chosen at run time).',
      ],
      [
        'Action::s3:GetObject*',
        'CDK grant suffix wildcard (GetObject, GetObjectVersion…) on the one artifact bucket.',
      ],
      ['Action::s3:GetBucket*', 'CDK grant suffix wildcard on the one artifact bucket.'],
      [
        'Action::s3:List*',
        'CDK grant suffix wildcard on the one artifact bucket (ListBucket for artifact listings).',
      ],
      [
        'Action::s3:DeleteObject*',
        'CDK grant suffix wildcard on the one artifact bucket (workers replace revised artifacts).',
      ],
      [
        'Action::s3:Abort*',
        'CDK grant suffix wildcard on the one artifact bucket (aborting failed multipart uploads).',
      ],
      [
        'Resource::*',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; a test checks that only X-Ray actions use "*".',
      ],
    ];
    for (const fn of [this.apiFunction, this.workerFunction, this.sweeperFunction]) {
      for (const [finding, reason] of grants)
        Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    const sync =
      'Invoked synchronously (API Gateway proxy / SQS event source polling): failures return to the caller or stay in the stage queue, whose DLQ catches them.';
    Validations.of(this.apiFunction).acknowledge({ id: 'Serverless-LambdaDLQ', reason: sync });
    Validations.of(this.workerFunction).acknowledge({ id: 'Serverless-LambdaDLQ', reason: sync });
    Validations.of(this.workerFunction).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; each stage queue has a redrive policy to its DLQ (3 receives) and alarms watch the DLQs.',
    });
    for (const queue of [...Object.values(this.queues.deadLetterQueues), sweeperDlq]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue.',
      });
      Validations.of(queue).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself a dead-letter queue; messages end here.',
      });
    }
  }
}
