import {
  ArnFormat,
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DATA_TABLE } from '../../src/adapters/dynamodb/tables.ts';
import { DEFAULT_CANARY_STEP_BUDGET_MS } from '../../src/config.ts';
import { STAGES } from '../../src/domain/project.ts';
import { resourceNames } from '../../src/naming.ts';
import { SERVICES } from '../../src/observability/metrics.ts';
import { type EnvironmentConfig, profileGeography } from '../config.ts';
import { ApiFirewall } from '../constructs/api-firewall.ts';
import { ArtifactBucket } from '../constructs/artifact-bucket.ts';
import { DataTables } from '../constructs/data-tables.ts';
import { GradualDeployments } from '../constructs/gradual-deployment.ts';
import { HealthCanary } from '../constructs/health-canary.ts';
import { SecureRestApi } from '../constructs/secure-rest-api.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { StageQueues } from '../constructs/stage-queues.ts';
import { COST_PROFILE_METADATA, costProfileMetadata } from '../cost-profile.ts';
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
  readonly apiUrl: string;
  readonly healthCanary: HealthCanary;
  readonly apiFunction: ServiceFunction;
  readonly workerFunction: ServiceFunction;
  readonly sweeperFunction: ServiceFunction;
  readonly pepperSecret: Secret;
  readonly canaryKeySecret: Secret;
  readonly monitoring: Monitoring;
  /** The Slack notifier, when `slackNotifier` is on. */
  readonly notifierFunction?: ServiceFunction;
  /** The web ACL, when `waf.enabled` is on. */
  readonly firewall?: ApiFirewall;
  readonly deployments: GradualDeployments;

  constructor(scope: Construct, id: string, props: AgenticAiStackProps) {
    const { config } = props;
    // R11.5: the other regions' canary stacks read the API URL, the canary key's ARN and the
    // notifier's alias from this stack (CDK writes them to SSM parameters in those regions).
    super(scope, id, { ...props, crossRegionReferences: extraCanaryRegions(config).length > 0 });
    const names = resourceNames(config.name);
    const stateful = config.retainData ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
    Tags.of(this).add('Application', 'AgenticAI');
    Tags.of(this).add('Environment', config.name);
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
    // What the cost profile gives up, for readiness (not applicable there) and the cost estimate.
    this.templateOptions.metadata = { [COST_PROFILE_METADATA]: costProfileMetadata(config) };

    this.tables = new DataTables(this, 'Tables', {
      dataTableName: names.dataTable,
      countersTableName: names.countersTable,
      pitrRecoveryPeriodDays: config.pitrRecoveryPeriodDays,
      retain: config.retainData,
      deletionProtection: config.tableDeletionProtection,
      inUseTableName: config.dataTableName,
    });
    // The table every function, alarm and the dashboard use; the CLI reads it from this output.
    // A plain string, not the table's Ref: the template of an unswitched environment stays as it was.
    const dataTableName = config.dataTableName ?? names.dataTable;
    new CfnOutput(this, names.dataTableOutput, {
      value: dataTableName,
      description: "The data table the functions use (the stack's own, or a restored one: docs/RECOVERY.md)",
    });
    this.artifacts = new ArtifactBucket(this, 'Artifacts', { retain: config.retainData });
    const workerTimeout = Duration.seconds(config.workers.timeoutSeconds);
    this.queues = new StageQueues(this, 'Queues', {
      queueName: names.stageQueue,
      dlqName: names.stageDlq,
      workerTimeout,
      maxReceiveCount: config.workers.maxAttempts,
    });

    // Without the pepper no stored key hash verifies: it lives as long as the table (retained
    // except on a failed create, like the table).
    this.pepperSecret = new Secret(this, 'KeyPepper', {
      removalPolicy: stateful,
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
      secretName: names.canaryKeySecret,
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
      DATA_TABLE_NAME: dataTableName,
      COUNTERS_TABLE_NAME: names.countersTable,
      ARTIFACT_BUCKET_NAME: this.artifacts.bucket.bucketName,
      PEPPER_SECRET_ID: this.pepperSecret.secretArn,
      QUEUE_URL_PM: this.queues.queues.pm.queueUrl,
      QUEUE_URL_DEV: this.queues.queues.dev.queueUrl,
      QUEUE_URL_QA: this.queues.queues.qa.queueUrl,
      QUEUE_URL_OPS: this.queues.queues.ops.queueUrl,
      MODEL_PROVIDER: 'bedrock',
      BEDROCK_MODEL_ID: config.bedrockModelId!,
      PIPELINE_LEASE_SECONDS: String(config.workers.timeoutSeconds * 3),
      // The attempts value the queues' redrive policy uses: one number for SQS and the application.
      ...this.queues.workerEnvironment(),
    };

    this.apiFunction = new ServiceFunction(this, 'ApiFunction', {
      entry: 'src/entry/api-lambda.ts',
      memoryMb: config.api.memoryMb,
      timeout: Duration.seconds(config.api.timeoutSeconds),
      environment: shared,
      serviceName: SERVICES.api,
      environmentName: config.name,
      sourceMaps: config.sourceMaps,
      reservedConcurrency: config.api.reservedConcurrency,
    });
    this.workerFunction = new ServiceFunction(this, 'WorkerFunction', {
      entry: 'src/entry/worker-lambda.ts',
      memoryMb: config.workers.memoryMb,
      timeout: workerTimeout,
      environment: shared,
      serviceName: SERVICES.worker,
      environmentName: config.name,
      sourceMaps: config.sourceMaps,
    });
    const sweeperDlq = new Queue(this, 'SweeperDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.sweeperFunction = new ServiceFunction(this, 'SweeperFunction', {
      deadLetterQueue: sweeperDlq,
      entry: 'src/entry/sweeper-lambda.ts',
      memoryMb: 256,
      timeout: Duration.seconds(60),
      environment: shared,
      serviceName: SERVICES.sweeper,
      environmentName: config.name,
      sourceMaps: config.sourceMaps,
    });

    this.grantWhatTheCodeCalls(config);
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
      logRemovalPolicy: stateful,
    });
    this.api = restApi;
    // What the canary calls, and what `agenticai canary run --env` reads (the custom domain maps the stage at its root).
    this.apiUrl = config.customDomain ? `https://${config.customDomain.domainName}/` : restApi.api.url;
    new CfnOutput(this, names.apiUrlOutput, { value: this.apiUrl, description: "The API's base URL" });
    // R11: the same script as `agenticai canary run`, in this stack's region; R11.5's other
    // regions each have a CanaryRegionStack.
    this.healthCanary = new HealthCanary(this, 'HealthCanary', {
      name: names.canary,
      endpoint: this.apiUrl,
      intervalMinutes: config.canaryIntervalMinutes,
      keySecret: { secretArn: this.canaryKeySecret.secretArn, region: this.region },
      stepBudgetMs: DEFAULT_CANARY_STEP_BUDGET_MS,
      removalPolicy: stateful,
    });
    new CfnOutput(this, names.canaryRegionsOutput, {
      value: config.canaryRegions!.join(','),
      description: `Regions with a health-check canary (${config.region}'s here, the others in ${names.canaryStack('<region>')})`,
    });
    if (config.waf.enabled) {
      this.firewall = new ApiFirewall(this, 'Firewall', {
        name: names.stack,
        api: restApi.api,
        ratePerIpPer5Min: config.waf.ratePerIpPer5Min,
        blockAnonymousIps: config.waf.blockAnonymousIps,
      });
    } else {
      Validations.of(restApi.api.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: `No web ACL in ${config.name}: its cost profile turns WAF off (waf.enabled); readiness reports R8.1/R8.2 as not applicable there (docs/COSTS.md).`,
      });
    }

    const slack = config.slackNotifier ? this.createSlackNotifier(config) : undefined;
    this.notifierFunction = slack?.notifier;
    const notifierDlq = slack?.notifierDlq;

    // The other regions' canary topics invoke the notifier (SNS to Lambda across regions). The
    // topic ARN is built from its name, so this stack does not depend on those stacks.
    for (const region of this.notifierFunction ? extraCanaryRegions(config) : []) {
      this.notifierFunction!.alias.addPermission(`InvokeFromCanaryTopic-${region}`, {
        principal: new ServicePrincipal('sns.amazonaws.com'),
        sourceArn: this.formatArn({
          service: 'sns',
          region,
          resource: names.canaryTopic(region),
          arnFormat: ArnFormat.NO_RESOURCE_NAME,
        }),
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      envName: config.name,
      adminEmails: config.adminEmails,
      runbookUrl: config.runbookUrl,
      costProfile: config.costProfile,
      ...(this.notifierFunction && {
        notifier: { handler: this.notifierFunction.alias, function: this.notifierFunction.function },
      }),
      functions: (
        [
          { label: 'api', fn: this.apiFunction, limit: config.api.reservedConcurrency },
          { label: 'worker', fn: this.workerFunction },
          { label: 'sweeper', fn: this.sweeperFunction, scheduled: true },
          ...(this.notifierFunction ? [{ label: 'notifier' as const, fn: this.notifierFunction }] : []),
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
      // Every region's canary on the dashboard; the alarm here is this region's (the others' are in their stacks).
      canaries: config.canaryRegions!.map((region) => ({
        name: region === this.region ? this.healthCanary.canary.canaryName : names.canary,
        region,
        intervalMinutes: config.canaryIntervalMinutes,
      })),
      ...(this.firewall && {
        waf: { webAclName: names.stack, region: this.region, ruleNames: this.firewall.ruleNames },
      }),
      tables: [
        { label: 'data', tableName: dataTableName },
        { label: 'counters', tableName: names.countersTable },
      ],
      queues: STAGES.map((stage) => ({ label: stage, queueName: names.stageQueue(stage) })),
      deadLetterQueues: [
        ...STAGES.map((stage) => ({ label: `${stage}-dlq`, queueName: names.stageDlq(stage) })),
        { label: 'sweeper-dlq', queueName: sweeperDlq.queueName },
        ...(notifierDlq ? [{ label: 'notifier-dlq', queueName: notifierDlq.queueName }] : []),
        ...extraCanaryRegions(config).map((region) => ({
          label: `canary-${region}-alert-delivery-dlq`,
          queueName: names.canaryDeliveryDlq(region),
          region,
        })),
      ],
    });

    // R12.5: new versions reach `live` through CodeDeploy, rolled back on the catalog's critical alarms.
    this.deployments = new GradualDeployments(this, 'Deployments', {
      envName: config.name,
      style: config.deploymentStyle,
      alarms: this.monitoring.alarms,
      functions: [
        { label: 'api', fn: this.apiFunction },
        { label: 'worker', fn: this.workerFunction },
        { label: 'sweeper', fn: this.sweeperFunction },
        ...(this.notifierFunction ? [{ label: 'notifier' as const, fn: this.notifierFunction }] : []),
      ],
    });
  }

  /** Slack notifier (R3.5): email stays the baseline; the webhook secret is filled when Slack is wanted. */
  private createSlackNotifier(config: EnvironmentConfig) {
    const names = resourceNames(config.name);
    const slackWebhook = new Secret(this, 'SlackWebhook', {
      secretName: names.slackWebhookSecret,
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
    const notifier = new ServiceFunction(this, 'NotifierFunction', {
      entry: 'src/entry/notifier-lambda.ts',
      memoryMb: 256,
      timeout: Duration.seconds(30),
      environment: { SLACK_WEBHOOK_SECRET_ID: slackWebhook.secretArn },
      serviceName: SERVICES.notifier,
      environmentName: config.name,
      sourceMaps: config.sourceMaps,
      // `agenticai alarms test` reads the notifier's receipt lines from here.
      logGroupName: names.notifierLogGroup,
      deadLetterQueue: notifierDlq,
    });
    notifier.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [slackWebhook.secretArn],
      }),
    );
    // Kept warning: SNS accepts a qualified (alias) ARN for the lambda protocol; the subscription
    // targets `live` on purpose so a rollback moves the notifier too.
    Validations.of(notifier.alias).acknowledge({
      id: 'CloudFormation-Validate::W3694',
      reason: 'SNS lambda subscriptions accept qualified ARNs; the alias is deliberate (rollback moves it).',
    });
    for (const [finding, reason] of [
      [
        'Resource::*',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; a test checks that only X-Ray actions use "*".',
      ],
    ] as const) {
      Validations.of(notifier).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    return { notifier, notifierDlq };
  }

  /**
   * Least privilege: each function gets exactly the actions its code calls (test/infra lists them
   * per function), on exactly the resources it touches. No CDK grant helpers: their suffix
   * wildcards (`s3:DeleteObject*`, `s3:Abort*`, …) reach actions no function calls.
   */
  private grantWhatTheCodeCalls(config: EnvironmentConfig) {
    const allow = (fn: ServiceFunction, actions: string[], resources: string[]) =>
      fn.function.addToRolePolicy(new PolicyStatement({ actions, resources }));
    const data = this.tables.inUse.tableArn;
    const counters = this.tables.counters.tableArn;
    const objects = this.artifacts.bucket.arnForObjects('projects/*');
    const stageQueues = STAGES.map((stage) => this.queues.queues[stage].queueArn);

    // API: keys, clients, projects, idempotency and audit items; rate windows (atomic counter
    // updates only; expired windows are DynamoDB TTL's job); artifact reads;
    // the pepper; new projects go to the first stage.
    allow(this.apiFunction, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [data]);
    allow(this.apiFunction, ['dynamodb:Query'], [data, `${data}/index/*`]);
    allow(this.apiFunction, ['dynamodb:UpdateItem'], [counters]);
    allow(this.apiFunction, ['s3:GetObject'], [objects]);
    allow(this.apiFunction, ['s3:ListBucket'], [this.artifacts.bucket.bucketArn]);
    allow(this.apiFunction, ['secretsmanager:GetSecretValue'], [this.pepperSecret.secretArn]);
    allow(this.apiFunction, ['sqs:SendMessage'], [this.queues.queues.pm.queueArn]);

    // Worker: reads and saves project state, reads the earlier stages' artifacts (list + get) and
    // writes its own, queues the next stage, calls the model (the SQS event sources add the
    // receive/delete/visibility rights on the stage queues).
    allow(this.workerFunction, ['dynamodb:GetItem', 'dynamodb:PutItem'], [data]);
    allow(this.workerFunction, ['s3:GetObject', 's3:PutObject'], [objects]);
    allow(this.workerFunction, ['s3:ListBucket'], [this.artifacts.bucket.bucketArn]);
    allow(this.workerFunction, ['sqs:SendMessage'], stageQueues);
    allow(this.workerFunction, ['bedrock:InvokeModel'], bedrockResources(this, config));

    // Sweeper: lists active projects (GSI1), reads their state, re-queues the pending stage.
    allow(this.sweeperFunction, ['dynamodb:Query'], [`${data}/index/${DATA_TABLE.gsi1.name}`]);
    allow(this.sweeperFunction, ['dynamodb:GetItem'], [data]);
    allow(this.sweeperFunction, ['sqs:SendMessage'], stageQueues);
  }

  /**
   * cdk-nag findings that are accepted, each with its reason (listed in docs/SECURITY.md). IAM5
   * findings are acknowledged one by one, naming the exact resource, never the rule as a whole.
   */
  private acknowledgeFindings(sweeperDlq: Queue) {
    const logicalId = (construct: Construct) =>
      this.resolve(this.getLogicalId(construct.node.defaultChild as CfnElement));
    const table = logicalId(this.tables.data);
    // A restored table is referenced by name: its ARN is a plain string in an environment-bound stack.
    const tableArn = this.tables.switched
      ? String(this.resolve(this.tables.inUse.tableArn))
      : `<${table}.Arn>`;
    const bucket = logicalId(this.artifacts.bucket);
    const grants: [ServiceFunction[], string, string][] = [
      [
        [this.apiFunction],
        `Resource::${tableArn}/index/*`,
        "Query on the data table's own indexes (GSI1 keys by client, GSI2 active projects).",
      ],
      [
        [this.apiFunction, this.workerFunction],
        `Resource::<${bucket}.Arn>/projects/*`,
        'Artifact objects under projects/ of the one artifact bucket (keys are per client and project, chosen at run time).',
      ],
      [
        [this.apiFunction, this.workerFunction, this.sweeperFunction],
        'Resource::*',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; a test checks that only X-Ray actions use "*".',
      ],
    ];
    for (const [fns, finding, reason] of grants) {
      for (const fn of fns) Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
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

/** R11.5: the canary regions other than the environment's own (each a CanaryRegionStack). */
export function extraCanaryRegions(config: EnvironmentConfig): string[] {
  return (config.canaryRegions ?? [config.region]).filter((r) => r !== config.region);
}

/**
 * What `bedrock:InvokeModel` (Converse included) needs: a plain model id, its foundation model in
 * this region; an inference profile, the profile and the model in every region it routes to
 * (a global profile: the region-less model ARN).
 */
export function bedrockResources(stack: Stack, config: EnvironmentConfig): string[] {
  const id = config.bedrockModelId!;
  const geo = profileGeography(id);
  const partition = stack.partition;
  if (!geo) return [`arn:${partition}:bedrock:${stack.region}::foundation-model/${id}`];
  const model = id.slice(geo.length + 1);
  const profile = `arn:${partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${id}`;
  if (geo === 'global') return [profile, `arn:${partition}:bedrock:::foundation-model/${model}`];
  return [
    profile,
    ...(config.bedrockProfileRegions ?? []).map(
      (region) => `arn:${partition}:bedrock:${region}::foundation-model/${model}`,
    ),
  ];
}
