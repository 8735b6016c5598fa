/**
 * Resource names shared by the CDK app and the runtime/CLI, so `agenticai --env staging` finds
 * what `cdk deploy` created without extra configuration.
 */
export const APP_NAME = 'agenticai';

/** `20261123T093000Z`: a table-name-safe UTC time. */
const compactStamp = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The alias of every function that event sources and the API invoke; deploys and `agenticai rollback` move it. */
export const LIVE_ALIAS = 'live';

export const resourceNames = (env: string) =>
  ({
    /** `agenticai-<env>`: the stack, the dashboard, the API and the web ACL, and every name below. */
    prefix: `${APP_NAME}-${env}`,
    stack: `${APP_NAME}-${env}`,
    dashboard: `${APP_NAME}-${env}`,
    /** A per-environment resource: a function, table or queue by its short name. */
    resource: (name: string) => `${APP_NAME}-${env}-${name}`,
    topic: (kind: 'general' | 'critical') => `${APP_NAME}-${env}-${kind}`,
    /** Local mode's store-backed stage queues. */
    queueTable: `${APP_NAME}-${env}-queues`,
    savedQuery: (name: string) => `${APP_NAME}-${env}/${name}`,
    dataTable: `${APP_NAME}-${env}-data`,
    /** The stack output naming the data table the functions use (the stack's own, or a restored one). */
    dataTableOutput: 'DataTableName',
    /**
     * Tables restored from the data table (`restore table`) and the drill's scratch tables: the
     * data table's name plus a suffix, so the typed config accepts them (infra/config.ts) and a
     * stamp (UTC, to the second) keeps every restore's name new (a restore fails on an existing table).
     */
    restoredDataTable: (stamp: Date) => `${APP_NAME}-${env}-data-restored-${compactStamp(stamp)}`,
    drillTable: (stamp: Date) => `${APP_NAME}-${env}-data-drill-${compactStamp(stamp)}`,
    countersTable: `${APP_NAME}-${env}-counters`,
    pepperSecret: `${APP_NAME}/${env}/key-pepper`,
    canaryKeySecret: `${APP_NAME}/${env}/canary-api-key`,
    /** The Slack incoming-webhook URL the notifier posts alerts to ('unset' means Slack is off). */
    slackWebhookSecret: `${APP_NAME}/${env}/slack-webhook`,
    /** The role GitHub Actions assumes (OIDC) to deploy this environment (the cicd stack). */
    githubDeployRole: `${APP_NAME}-github-deploy-${env}`,
    /** The stack output holding the API's base URL (what the canary calls). */
    apiUrlOutput: 'ApiUrl',
    /** The stack output listing the environment's canary regions (R11.5; the readiness check reads it). */
    canaryRegionsOutput: 'CanaryRegions',
    /** The Synthetics canary (at most 21 lower-case characters: 'agenticai-production' is 20). */
    canary: `${APP_NAME}-${env}`,
    /**
     * R11.5: the stack holding the canary of one extra region (`agenticai-<env>-canary-<region>`);
     * canary names are per region, so every region's canary is `canary` above.
     */
    canaryStack: (region: string) => `${APP_NAME}-${env}-canary-${region}`,
    /** That stack's own alert topic (alarms notify only topics of their region). */
    canaryTopic: (region: string) => `${APP_NAME}-${env}-canary-${region}-critical`,
    /** Its undeliverable notifications (an SNS dead-letter queue is in the topic's region). */
    canaryDeliveryDlq: (region: string) => `${APP_NAME}-${env}-canary-${region}-alert-delivery-dlq`,
    stageQueue: (stage: string) => `${APP_NAME}-${env}-${stage}`,
    stageDlq: (stage: string) => `${APP_NAME}-${env}-${stage}-dlq`,
    alarmPrefix: `${APP_NAME}-${env}-`,
    notifierLogGroup: `/${APP_NAME}/${env}/notifier`,
    /** The CodeDeploy application whose deployment groups shift the functions' `live` aliases. */
    deployments: `${APP_NAME}-${env}`,
    /** One CodeDeploy deployment group per function, by its label (`api`, `worker`, …). */
    deploymentGroup: (label: string) => `${APP_NAME}-${env}-${label}`,
    /** The alias every event source and the API invoke; deploys and `agenticai rollback` move it. */
    liveAlias: LIVE_ALIAS,
    /** SSM parameter holding the last restore drill's record (src/domain/restore-drill.ts). */
    restoreDrillParameter: `/${APP_NAME}/${env}/recovery/last-drill`,
  }) as const;

/** The stacks deployed once per account (us-east-1) and per region, and the account's cost controls. */
export const accountNames = {
  accountStack: `${APP_NAME}-account`,
  regionStack: `${APP_NAME}-region`,
  /** The GitHub OIDC provider and the per-environment deploy roles. */
  cicdStack: `${APP_NAME}-cicd`,
  /** The account stack's alert topics: `agenticai-account-general|critical`. */
  topic: (kind: 'general' | 'critical') => `${APP_NAME}-account-${kind}`,
  budget: `${APP_NAME}-monthly`,
  anomalyMonitor: `${APP_NAME}-services`,
  anomalySubscription: `${APP_NAME}-anomalies`,
} as const;

/**
 * The artifact bucket's logical id in the stack (CDK generates the bucket's name, so the CLI finds
 * it through CloudFormation): construct `Artifacts/Artifacts`, whose repeated id CDK keeps once,
 * plus CDK's hash. test/infra/stacks.test.ts checks it picks exactly the artifact bucket.
 */
export const isArtifactBucketLogicalId = (logicalId: string) => /^Artifacts[0-9A-F]{8}$/.test(logicalId);
