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
    canaryKeySecret: `${APP_NAME}/${env}/canary-api-key`,
    /** The stack output holding the API's base URL (what the canary calls). */
    apiUrlOutput: 'ApiUrl',
    /** The Synthetics canary (at most 21 lower-case characters: 'agenticai-production' is 20). */
    canary: `${APP_NAME}-${env}`,
    stageQueue: (stage: string) => `${APP_NAME}-${env}-${stage}`,
    stageDlq: (stage: string) => `${APP_NAME}-${env}-${stage}-dlq`,
    alarmPrefix: `${APP_NAME}-${env}-`,
    notifierLogGroup: `/${APP_NAME}/${env}/notifier`,
  }) as const;
