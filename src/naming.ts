/**
 * Resource names shared by the CDK app and the runtime/CLI, so `agenticai --env staging` finds
 * what `cdk deploy` created without extra configuration.
 */
export const APP_NAME = 'agenticai';

export const resourceNames = (env: string) =>
  ({
    stack: `${APP_NAME}-${env}`,
    dataTable: `${APP_NAME}-${env}-data`,
    countersTable: `${APP_NAME}-${env}-counters`,
    pepperSecret: `${APP_NAME}/${env}/key-pepper`,
    stageQueue: (stage: string) => `${APP_NAME}-${env}-${stage}`,
    stageDlq: (stage: string) => `${APP_NAME}-${env}-${stage}-dlq`,
    alarmPrefix: `${APP_NAME}-${env}-`,
    notifierLogGroup: `/${APP_NAME}/${env}/notifier`,
  }) as const;

/**
 * The artifact bucket's logical id in the stack (CDK generates the bucket's name, so the CLI finds
 * it through CloudFormation): construct `Artifacts/Artifacts`, whose repeated id CDK keeps once,
 * plus CDK's hash. test/infra/stacks.test.ts checks it picks exactly the artifact bucket.
 */
export const isArtifactBucketLogicalId = (logicalId: string) => /^Artifacts[0-9A-F]{8}$/.test(logicalId);
