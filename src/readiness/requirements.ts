/**
 * Every requirement of AgenticAI as data: the one source for docs/REQUIREMENTS.md
 * (`npm run docs`), the readiness report (`agenticai readiness`) and the IDs test titles name.
 *
 * R1–R12 follow the product specification; where it groups criteria without numbers (R2, R10) the
 * numbers are those of the original acceptance criteria. The specification's lumped checklist "C"
 * is split into C1–C16, one ID per item. IDs are stable: never renumber, only append.
 */
export interface Requirement {
  readonly id: string;
  readonly title: string;
  /** What the requirement means for this system, concretely. */
  readonly summary: string;
  /** Where it is implemented today: repository paths, constructs, commands. */
  readonly where: readonly string[];
  /** Set when nothing (or only a prerequisite) is built yet: what is missing. */
  readonly notBuilt?: string;
}

export interface RequirementGroup {
  readonly id: string;
  readonly title: string;
  readonly requirements: readonly Requirement[];
}

export const REQUIREMENT_GROUPS = [
  {
    id: 'R1',
    title: 'API authentication',
    requirements: [
      {
        id: 'R1.1',
        title: 'Missing key → 401',
        summary:
          'A request without `X-API-Key` gets 401 `{"error":{"code":"missing_api_key",…}}` with `WWW-Authenticate`, on every endpoint including `/health`.',
        where: ['src/http/middleware/identify.ts', 'src/app/authenticator.ts'],
      },
      {
        id: 'R1.2',
        title: 'Valid key → processed',
        summary:
          'A valid, active key is resolved to its client and the request proceeds through rate limiting to the route.',
        where: ['src/app/authenticator.ts', 'src/http/middleware/identify.ts'],
      },
      {
        id: 'R1.3',
        title: 'Invalid, revoked or expired key → 403',
        summary:
          'Malformed, unknown, revoked and expired keys all get the same 403 `invalid_api_key` (not 401, unlike most gateways; documented in docs/API.md). Malformed keys are rejected by checksum without a store read.',
        where: ['src/domain/api-key.ts', 'src/app/authenticator.ts', 'docs/API.md'],
      },
      {
        id: 'R1.4',
        title: 'Many keys, stored hashed, secret shown once',
        summary:
          'At least 10 keys active at once (tested with 20+); the store holds an HMAC-SHA-256 of the secret with a pepper (Secrets Manager in AWS, a generated file locally); the key is printed once by `agenticai keys create`.',
        where: [
          'src/domain/api-key.ts',
          'src/app/key-admin.ts',
          'src/adapters/aws/key-repository.ts',
          'src/adapters/aws/secrets-pepper.ts',
          'src/cli/commands/keys.ts (`agenticai keys create|list|rotate|revoke`)',
        ],
      },
      {
        id: 'R1.5',
        title: 'Every authentication attempt logged',
        summary:
          'One structured JSON line per attempt: time, request id, key id (never the secret or the rejected string), result `valid|missing|malformed|unknown|revoked|expired`; an alarm on failure spikes.',
        where: [
          'src/app/authenticator.ts',
          'src/app/logger.ts',
          'src/observability/alarm-catalog.ts (`auth-failure-spike`)',
        ],
      },
    ],
  },
  {
    id: 'R2',
    title: 'Monitoring dashboard',
    requirements: [
      {
        id: 'R2.1',
        title: 'One dashboard per environment',
        summary:
          'A CloudWatch dashboard named `agenticai-<env>` with every critical metric of the environment.',
        where: ['infra/observability/monitoring.ts (class `Monitoring`, the dashboard)'],
      },
      {
        id: 'R2.2',
        title: 'Lambda invocations at 5 minutes',
        summary: 'Invocations of every function, 5-minute periods.',
        where: ['infra/observability/monitoring.ts'],
      },
      {
        id: 'R2.3',
        title: 'Lambda error rate at 5 minutes',
        summary: 'Errors and error rate of every function, 5-minute periods.',
        where: ['infra/observability/monitoring.ts'],
      },
      {
        id: 'R2.4',
        title: 'API Gateway requests, 4XX, 5XX',
        summary: 'API Gateway request count, 4XX and 5XX of the stage, 5-minute periods.',
        where: ['infra/observability/monitoring.ts'],
      },
      {
        id: 'R2.5',
        title: 'DynamoDB consumed capacity',
        summary: 'Consumed read and write capacity units of the tables, 5-minute periods.',
        where: ['infra/observability/monitoring.ts'],
      },
      {
        id: 'R2.6',
        title: 'SQS depth and age of oldest message',
        summary: 'Visible messages and age of the oldest message of every stage queue and dead-letter queue.',
        where: ['infra/observability/monitoring.ts', 'infra/constructs/stage-queues.ts'],
      },
      {
        id: 'R2.7',
        title: 'Viewable in the AWS console',
        summary:
          'The dashboard is an `AWS::CloudWatch::Dashboard` resource of the environment stack, so it opens in the CloudWatch console.',
        where: ['infra/observability/monitoring.ts'],
      },
    ],
  },
  {
    id: 'R3',
    title: 'Error alerting',
    requirements: [
      {
        id: 'R3.1',
        title: 'Lambda error rate > 5 % over 5 minutes',
        summary:
          'Per function, metric math `100 * errors / MAX([invocations, 1])` over 5 minutes, greater than 5 → critical alarm.',
        where: [
          'src/observability/alarm-catalog.ts (`lambda-error-rate`)',
          'infra/observability/monitoring.ts',
        ],
      },
      {
        id: 'R3.2',
        title: 'API 5XX > 10 in 5 minutes',
        summary: 'Sum of `5XXError` of the stage over 5 minutes, greater than 10 → critical alarm.',
        where: ['src/observability/alarm-catalog.ts (`api-5xx`)', 'infra/observability/monitoring.ts'],
      },
      {
        id: 'R3.3',
        title: 'A function failing 3 consecutive times',
        summary: 'Errors ≥ 1 in 3 of 3 one-minute periods, per function → critical alarm.',
        where: ['src/observability/alarm-catalog.ts (`lambda-consecutive-failures`)'],
      },
      {
        id: 'R3.4',
        title: 'Alerts by email (SNS)',
        summary:
          'Two SNS topics (general, critical), KMS-encrypted with a customer-managed key that CloudWatch, Budgets and Cost Anomaly Detection may use, each with an email subscription per configured administrator address.',
        where: ['infra/constructs/alert-topics.ts', 'infra/environments.ts (`adminEmails`)'],
      },
      {
        id: 'R3.5',
        title: 'Alert messages carry details and the resource',
        summary:
          'Every alarm description names severity, requirement, resource and runbook section; the Slack notifier formats alarm payloads with the same details; `agenticai alarms render` shows the message offline.',
        where: [
          'infra/observability/monitoring.ts',
          'src/notifier/format.ts',
          'src/cli/commands/alarms.ts (`agenticai alarms render`)',
        ],
      },
    ],
  },
  {
    id: 'R4',
    title: 'Performance monitoring',
    requirements: [
      {
        id: 'R4.1',
        title: 'Lambda duration > 10 s → warning',
        summary:
          'Maximum `Duration` above 10 000 ms in a minute, per function → warning alarm (general topic).',
        where: ['src/observability/alarm-catalog.ts (`lambda-duration`)'],
      },
      {
        id: 'R4.2',
        title: 'API latency > 3 s for 5 minutes',
        summary: 'API `Latency` above 3 000 ms in 5 of 5 one-minute periods → alarm.',
        where: ['src/observability/alarm-catalog.ts (`api-latency`)'],
      },
      {
        id: 'R4.3',
        title: 'Cold starts tracked and shown',
        summary:
          'Functions emit a cold-start metric (Powertools) and the dashboard shows cold starts and init duration from the platform report.',
        where: [
          'src/adapters/aws/metrics.ts',
          'src/entry/api-lambda.ts',
          'src/entry/worker-lambda.ts',
          'infra/observability/monitoring.ts',
        ],
      },
      {
        id: 'R4.4',
        title: 'API latency p50/p95/p99 shown',
        summary: 'The dashboard plots API latency percentiles p50, p95 and p99.',
        where: ['infra/observability/monitoring.ts'],
      },
      {
        id: 'R4.5',
        title: 'Performance widgets at 1 minute',
        summary: 'Latency, duration and concurrency widgets use 1-minute periods.',
        where: ['infra/observability/monitoring.ts'],
      },
    ],
  },
  {
    id: 'R5',
    title: 'Cost monitoring',
    requirements: [
      {
        id: 'R5.1',
        title: 'Monthly budget of $50 (configurable)',
        summary:
          'One monthly COST budget `agenticai-monthly` in the account stack covering the whole account, $50 by default (`monthlyBudgetUsd`), optionally filtered by the `Environment` cost allocation tag; `agenticai cost estimate --all` compares every environment of the account with it (docs/COSTS.md).',
        where: [
          'infra/constructs/cost-guard.ts',
          'infra/stacks/account-stack.ts',
          'infra/config.ts (`monthlyBudgetUsd`)',
        ],
      },
      {
        id: 'R5.2',
        title: 'Alert at 80 % actual',
        summary: 'ACTUAL spend above 80 % notifies the general topic and the administrator emails.',
        where: ['infra/constructs/cost-guard.ts'],
      },
      {
        id: 'R5.3',
        title: 'Critical alert at 100 % actual',
        summary: 'ACTUAL spend above 100 % notifies the critical topic and the administrator emails.',
        where: ['infra/constructs/cost-guard.ts'],
      },
      {
        id: 'R5.4',
        title: 'Current month spending command',
        summary: '`agenticai cost report --env <env>` shows month-to-date spend from Cost Explorer.',
        where: ['src/cli/commands/cost.ts', 'src/adapters/aws/cost-explorer.ts', 'src/domain/cost-report.ts'],
      },
      {
        id: 'R5.5',
        title: 'By service, against the budget, trend and projection',
        summary:
          'The cost report breaks spend down by service, compares it with the budget, draws the daily trend (bars and a month sparkline; plain ASCII when not a terminal or with NO_COLOR) and the projected month-end total against the budget (forecast, or a linear projection when Cost Explorer has none); `cost estimate` prices the synthesized templates per environment and per million requests.',
        where: [
          'src/domain/cost-report.ts',
          'src/domain/cost-estimate.ts',
          'src/cli/commands/cost.ts',
          'docs/COSTS.md',
        ],
      },
    ],
  },
  {
    id: 'R6',
    title: 'Rate limiting',
    requirements: [
      {
        id: 'R6.1',
        title: '1000 requests per hour per client',
        summary:
          'Each client (all of its keys together) may make 1000 requests per UTC hour by default, configurable per client (`agenticai clients set-limit`); one conditional `UpdateItem` per request.',
        where: [
          'src/app/rate-limiter.ts',
          'src/adapters/aws/counter-store.ts',
          'src/cli/commands/keys.ts (`agenticai clients set-limit`)',
        ],
      },
      {
        id: 'R6.2',
        title: 'Over the limit → 429 with Retry-After',
        summary: 'The request over the limit gets 429 `rate_limited` with `Retry-After` and is not counted.',
        where: ['src/app/rate-limiter.ts', 'src/http/middleware/identify.ts'],
      },
      {
        id: 'R6.3',
        title: 'X-RateLimit headers',
        summary:
          'Authenticated responses carry `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (epoch seconds of the window end).',
        where: ['src/domain/rate-window.ts', 'src/http/middleware/identify.ts'],
      },
      {
        id: 'R6.4',
        title: 'Hourly windows',
        summary: 'Fixed windows aligned to the UTC hour; the counter item expires by TTL.',
        where: ['src/domain/rate-window.ts'],
      },
      {
        id: 'R6.5',
        title: 'Violations logged and counted',
        summary:
          'Each 429 is a structured log line and a `RateLimited` metric; the counter store failing open raises an alarm.',
        where: [
          'src/app/rate-limiter.ts',
          'src/observability/metrics.ts',
          'src/observability/alarm-catalog.ts (`ratelimit-store-unavailable`)',
        ],
      },
    ],
  },
  {
    id: 'R7',
    title: 'Backup and recovery',
    requirements: [
      {
        id: 'R7.1',
        title: 'DynamoDB point-in-time recovery',
        summary: 'PITR enabled on the data table `agenticai-<env>-data`.',
        where: ['infra/constructs/data-tables.ts'],
      },
      {
        id: 'R7.2',
        title: 'S3 versioning',
        summary: 'The artifact bucket is versioned.',
        where: ['infra/constructs/artifact-bucket.ts'],
      },
      {
        id: 'R7.3',
        title: 'Backups restorable for ≥ 7 days',
        summary:
          'The PITR recovery period is at least 7 days (35 in staging and production, `pitrRecoveryPeriodDays`).',
        where: ['infra/constructs/data-tables.ts', 'infra/config.ts (`pitrRecoveryPeriodDays`)'],
      },
      {
        id: 'R7.4',
        title: 'Non-current versions kept 30 days',
        summary: 'A lifecycle rule expires non-current artifact versions after 30 days.',
        where: ['infra/constructs/artifact-bucket.ts'],
      },
      {
        id: 'R7.5',
        title: 'Recovery procedure and a restore CLI',
        summary:
          'A written recovery procedure with working commands, and an `agenticai` command that performs the restore.',
        where: [
          'docs/RECOVERY.md (every command, the switch to a restored table and back, the drill)',
          'src/cli/commands/backup.ts (`backup create|list|restore` of the local data dir, `backup status --env` with the last drill)',
          'src/cli/commands/restore.ts (`restore object|table|project --env`)',
          'src/cli/commands/drill.ts (`drill restore --env staging`: measured RTO and RPO, recorded in SSM)',
          'infra/config.ts (`dataTableName`: switch an environment to a restored table; infra/constructs/data-tables.ts)',
        ],
      },
    ],
  },
  {
    id: 'R8',
    title: 'Security',
    requirements: [
      {
        id: 'R8.1',
        title: 'AWS WAF on the API stage',
        summary: 'A regional web ACL associated with the REST API stage.',
        where: ['infra/constructs/api-firewall.ts'],
      },
      {
        id: 'R8.2',
        title: 'WAF rules',
        summary:
          'AWS IP reputation list, common rule set (XSS), known bad inputs, SQL injection, and a per-IP rate rule of 2000 requests / 5 minutes answering 429; an alarm on blocked-request spikes.',
        where: [
          'infra/constructs/api-firewall.ts',
          'src/observability/alarm-catalog.ts (`waf-blocked-spike`)',
        ],
      },
      {
        id: 'R8.3',
        title: 'HTTPS only',
        summary:
          'API Gateway serves HTTPS only; bucket, queue and topic policies deny requests without `aws:SecureTransport`.',
        where: [
          'infra/constructs/secure-rest-api.ts',
          'infra/constructs/artifact-bucket.ts',
          'infra/constructs/stage-queues.ts',
          'infra/constructs/alert-topics.ts',
        ],
      },
      {
        id: 'R8.4',
        title: 'Encryption at rest',
        summary:
          'DynamoDB (KMS), S3 (SSE), SQS (SSE), SNS (customer-managed KMS key), log groups as CloudWatch Logs encrypts them.',
        where: [
          'infra/constructs/data-tables.ts',
          'infra/constructs/artifact-bucket.ts',
          'infra/constructs/stage-queues.ts',
          'infra/constructs/alert-topics.ts',
        ],
      },
      {
        id: 'R8.5',
        title: 'TLS 1.2 or higher',
        summary:
          'The REST API has a TLS 1.2+ security policy (`SecurityPolicy` via the L1 escape hatch); an optional custom domain uses `TLS_1_2`; the artifact bucket refuses TLS below 1.2.',
        where: [
          'infra/constructs/secure-rest-api.ts (`API_SECURITY_POLICY`)',
          'infra/constructs/artifact-bucket.ts',
        ],
      },
      {
        id: 'R8.6',
        title: 'Least-privilege IAM',
        summary:
          'No `*` or `service:*` actions, no managed policies, every statement scoped to named resources (`*` only for X-Ray); CDK grant suffix wildcards acknowledged with a reason (cdk-nag gate).',
        where: [
          'infra/stacks/agenticai-stack.ts',
          'infra/app.ts (cdk-nag `AwsSolutionsChecks`, `ServerlessChecks`)',
          'docs/SECURITY.md',
        ],
      },
    ],
  },
  {
    id: 'R9',
    title: 'Logging and audit',
    requirements: [
      {
        id: 'R9.1',
        title: 'Every API request logged',
        summary:
          'One structured access log line per request: request id, timestamp, client and key id, method, route, status, latency; plus API Gateway access logs.',
        where: [
          'src/http/middleware/access-log.ts',
          'src/http/middleware/request-context.ts',
          'infra/constructs/secure-rest-api.ts',
        ],
      },
      {
        id: 'R9.2',
        title: 'Every Lambda execution logged',
        summary:
          'Functions log in JSON format (Lambda `LoggingConfig`), with duration, memory and errors from the platform report.',
        where: ['infra/constructs/service-function.ts'],
      },
      {
        id: 'R9.3',
        title: 'Log groups retained 30 days',
        summary:
          'Every log group, API Gateway execution logs and WAF logs included, has a 30-day retention; none left at "never expire".',
        where: [
          'infra/constructs/service-function.ts',
          'infra/constructs/secure-rest-api.ts',
          'infra/constructs/api-firewall.ts',
        ],
      },
      {
        id: 'R9.4',
        title: 'Saved Logs Insights queries',
        summary:
          'CloudWatch Logs Insights query definitions for common troubleshooting, saved per environment.',
        where: ['infra/observability/saved-queries.ts'],
      },
      {
        id: 'R9.5',
        title: 'Queries documented',
        summary: 'Every saved query is explained in the runbook.',
        where: ['docs/RUNBOOK.md (Queries)'],
      },
    ],
  },
  {
    id: 'R10',
    title: 'Operational runbook',
    requirements: [
      {
        id: 'R10.1',
        title: 'A runbook',
        summary: 'docs/RUNBOOK.md documents the common operational tasks.',
        where: ['docs/RUNBOOK.md'],
      },
      {
        id: 'R10.2',
        title: 'Alert response per alarm',
        summary: 'A runbook section for every alarm of the catalog, linked from the alarm description.',
        where: ['docs/RUNBOOK.md (Alarms)', 'src/observability/alarm-catalog.ts (`runbookAnchor`)'],
      },
      {
        id: 'R10.3',
        title: 'Scaling',
        summary:
          'How to change throttling, reserved concurrency, worker concurrency and memory through the typed configuration.',
        where: ['docs/RUNBOOK.md (Scaling)', 'docs/DEPLOYMENT.md (Concurrency)'],
      },
      {
        id: 'R10.4',
        title: 'Deployment and rollback',
        summary:
          'How to deploy (`npm run deploy -- --env <env>`) and roll back by pointing the `live` alias at the previous version.',
        where: ['docs/RUNBOOK.md (Deployment and rollback)', 'docs/DEPLOYMENT.md'],
      },
      {
        id: 'R10.5',
        title: 'Disaster recovery with RTO/RPO',
        summary: 'Recovery point and time objectives and the restore procedure for the table and artifacts.',
        where: ['docs/RUNBOOK.md (Disaster recovery)'],
      },
      {
        id: 'R10.6',
        title: 'Contacts and escalation',
        summary: 'Contacts come from configuration (`adminEmails`), not hard-coded people.',
        where: ['docs/RUNBOOK.md', 'infra/environments.ts (`AGENTICAI_ADMIN_EMAILS`)'],
      },
    ],
  },
  {
    id: 'R11',
    title: 'Health checks',
    requirements: [
      {
        id: 'R11.1',
        title: 'Synthetics canary every 5 minutes',
        summary:
          'A CloudWatch Synthetics canary calls the authenticated `/health` endpoint every 5 minutes in production (`canaryIntervalMinutes`: staging 15, dev 60 by default, the cheaper options in docs/DEPLOYMENT.md); CI runs the same script against local mode after the tests.',
        where: [
          'infra/environments.ts (`canaryDefaults`)',
          'scripts/ci-canary.mjs (CI: the canary against local mode)',
          '.github/workflows/ci.yml',
          'infra/constructs/health-canary.ts (`HealthCanary`, runtime syn-nodejs-puppeteer-13.0, artifacts bucket)',
          'src/canary/synthetics-handler.ts (the script of `agenticai canary run`)',
          'infra/stacks/agenticai-stack.ts (`HealthCanary`, secret `CanaryApiKey`, output `ApiUrl`)',
        ],
      },
      {
        id: 'R11.2',
        title: 'Two consecutive failures → alert',
        summary:
          "The catalog alarm `canary-failed`, one per canary region: SuccessPercent below 100 in 2 consecutive periods of the canary's interval (one run each), missing data breaching, on the critical topic of its region.",
        where: ['src/observability/alarm-catalog.ts (`canary-failed`)', 'docs/RUNBOOK.md'],
      },
      {
        id: 'R11.3',
        title: 'End-to-end check incl. project creation',
        summary:
          'The canary script checks `/health`, creates a canary project (no quota, no pipeline, deleted after a day; canary clients only) and reads it back; `agenticai canary run` runs it locally or with `--env` against a deployed environment, and a failure names the step and the reason.',
        where: [
          'src/canary/health-check.ts',
          'src/cli/commands/canary.ts (`agenticai canary run`)',
          'src/app/projects.ts (canary projects), src/http/routes/projects.ts (`X-AgenticAI-Canary`)',
          'docs/ARCHITECTURE.md ("Health-check canary")',
        ],
      },
      {
        id: 'R11.4',
        title: 'Response times measured and shown',
        summary:
          'Each canary step is timed and fails over its budget (`CANARY_STEP_BUDGET_MS`); `canary run --json` returns the durations. In AWS: canary durations on the dashboard.',
        where: [
          'src/canary/health-check.ts',
          'src/config.ts (`CANARY_STEP_BUDGET_MS`)',
          'infra/observability/monitoring.ts (canary SuccessPercent, Duration and per-step Duration widgets)',
        ],
      },
      {
        id: 'R11.5',
        title: 'From more than one region',
        summary:
          'A canary in every region of `canaryRegions` (production default: its region and a neighbour in the same geography): the main one in the environment stack, each other one in `agenticai-<env>-canary-<region>` with its own alarm and critical topic (emails and the Slack notifier subscribed), reading the canary key from the main region.',
        where: [
          'infra/config.ts (`canaryRegions`), infra/environments.ts (`canaryDefaults`, `secondCanaryRegion`)',
          'infra/stacks/canary-region-stack.ts (`CanaryRegionStack`)',
          'infra/app.ts (one stack per extra region, after the environment stack)',
          'docs/ARCHITECTURE.md ("Canaries in several regions")',
        ],
      },
    ],
  },
  {
    id: 'R12',
    title: 'Deployment automation',
    requirements: [
      {
        id: 'R12.1',
        title: 'GitHub Actions pipeline',
        summary:
          'CI (install, typecheck, lint, tests, synth with the cdk-nag gates) on every push and pull request; actions pinned by commit SHA, least-privilege permissions.',
        where: [
          '.github/workflows/ci.yml',
          '.github/workflows/deploy.yml',
          'test/workflows.test.ts (actionlint and the job graph)',
        ],
      },
      {
        id: 'R12.2',
        title: 'Tests on every push to main',
        summary: 'Every push to main runs the CI jobs (deploy.yml calls ci.yml) before anything deploys.',
        where: ['.github/workflows/deploy.yml (job `tests`)'],
      },
      {
        id: 'R12.3',
        title: 'Auto-deploy to staging',
        summary:
          'When the tests pass on main, staging deploys through its OIDC deploy role, then the canary runs against staging (`agenticai --env staging canary run`).',
        where: [
          '.github/workflows/deploy.yml (job `staging`)',
          'infra/stacks/cicd-stack.ts (the deploy roles)',
          'src/cli/commands/canary.ts',
        ],
      },
      {
        id: 'R12.4',
        title: 'Manual approval before production',
        summary:
          'Production deploys after staging, in the GitHub environment `production` whose required reviewers approve; only that environment can assume its role. Each function then shifts to the new version through CodeDeploy, 10 % for 5 minutes first, and the canary runs against production.',
        where: [
          '.github/workflows/deploy.yml (job `production`)',
          'infra/stacks/cicd-stack.ts',
          'infra/constructs/gradual-deployment.ts',
        ],
      },
      {
        id: 'R12.5',
        title: 'Rollback within 5 minutes',
        summary:
          "Automatic: each function has a CodeDeploy deployment group on its `live` alias (production: canary 10 % for 5 minutes; dev and staging: all at once) that rolls back by itself when one of the catalog's critical alarms for the function (and the API) fires or the deployment fails. Manual: `agenticai rollback --env X [--to VERSION] [--dry-run]` (and the Rollback workflow) moves every `live` alias to its previous published version in one step, reads each back and runs the canary; about 2 s against the mocked API (`npm run bench:rollback`).",
        where: [
          'infra/constructs/gradual-deployment.ts',
          'src/cli/commands/rollback.ts',
          'src/adapters/aws/rollback.ts',
          '.github/workflows/rollback.yml',
          'bench/rollback.ts',
          'src/readiness/checks/gradual-deployments.ts',
        ],
      },
    ],
  },
  {
    id: 'C',
    title: 'Readiness checklist',
    requirements: [
      {
        id: 'C1',
        title: 'X-Ray tracing',
        summary: 'Active tracing on every function and on the API stage.',
        where: ['infra/constructs/service-function.ts', 'infra/constructs/secure-rest-api.ts'],
      },
      {
        id: 'C2',
        title: 'Secrets in Secrets Manager',
        summary:
          'The key-hash pepper, the canary key and the Slack webhook live in Secrets Manager (generated, never in code or env files); locally the pepper is generated into the data dir.',
        where: [
          'infra/stacks/agenticai-stack.ts (`KeyPepper`, `CanaryApiKey`, `SlackWebhook`)',
          'src/adapters/aws/secrets-pepper.ts',
          'src/adapters/local/file-pepper.ts',
        ],
      },
      {
        id: 'C3',
        title: 'General and critical SNS topics',
        summary: 'Warnings go to `agenticai-<env>-general`, critical alarms to `agenticai-<env>-critical`.',
        where: ['infra/constructs/alert-topics.ts'],
      },
      {
        id: 'C4',
        title: 'Email plus optional Slack',
        summary:
          'Email subscriptions on both topics; a Slack notifier function subscribed to both, reading its webhook from Secrets Manager, with a DLQ.',
        where: [
          'infra/constructs/alert-topics.ts',
          'src/notifier/handler.ts',
          'src/entry/notifier-lambda.ts',
        ],
      },
      {
        id: 'C5',
        title: 'Composite "system health" alarm',
        summary: 'One composite alarm over every critical alarm, notifying the critical topic.',
        where: ['infra/observability/monitoring.ts'],
      },
      {
        id: 'C6',
        title: 'Throttle and concurrency alarms',
        summary: 'Alarms on Lambda throttles, Lambda concurrency and API Gateway throttling.',
        where: [
          'src/observability/alarm-catalog.ts (`lambda-throttles`, `lambda-concurrency`, `api-throttles`)',
        ],
      },
      {
        id: 'C7',
        title: 'DynamoDB throttling and system-error alarms',
        summary: 'Alarms on DynamoDB throttled requests and system errors per table.',
        where: ['src/observability/alarm-catalog.ts (`dynamodb-throttles`, `dynamodb-system-errors`)'],
      },
      {
        id: 'C8',
        title: 'DLQ message alarms',
        summary: 'An alarm on every dead-letter queue holding a message.',
        where: ['src/observability/alarm-catalog.ts (`dlq-messages`)'],
      },
      {
        id: 'C9',
        title: 'Pipeline failure alarms',
        summary: 'Alarms on failed projects and projects stuck in a stage.',
        where: [
          'src/observability/alarm-catalog.ts (`pipeline-failures`, `stuck-projects`)',
          'src/entry/sweeper-lambda.ts',
        ],
      },
      {
        id: 'C10',
        title: 'Dead-letter queues',
        summary:
          'Every stage queue redrives to its DLQ after 3 receives; the sweeper and notifier have DLQs; `agenticai dlq list|redrive`.',
        where: ['infra/constructs/stage-queues.ts', 'src/cli/commands/pipeline.ts (`agenticai dlq`)'],
      },
      {
        id: 'C11',
        title: 'Retries with exponential backoff and jitter',
        summary: 'Stage redeliveries and model calls back off exponentially with full jitter, capped.',
        where: [
          'src/domain/backoff.ts',
          'src/workers/stage-worker.ts',
          'src/adapters/aws/bedrock-model.ts',
          'src/adapters/aws/sqs-queue.ts',
        ],
      },
      {
        id: 'C12',
        title: 'Idempotency',
        summary:
          '`Idempotency-Key` on project creation returns the same project on retries; a redelivered stage message is recognised as already claimed.',
        where: ['src/app/projects.ts', 'src/adapters/aws/project-repository.ts', 'src/app/pipeline.ts'],
      },
      {
        id: 'C13',
        title: 'Circuit breaking toward the model provider',
        summary:
          'A circuit breaker around the model provider opens after repeated failures and probes before closing.',
        where: ['src/app/circuit-breaker.ts', 'src/app/agents.ts'],
      },
      {
        id: 'C14',
        title: 'Cost anomaly detection',
        summary:
          'A SERVICE anomaly monitor (or an existing one) with an immediate subscription to the general topic.',
        where: ['infra/constructs/cost-guard.ts', 'infra/stacks/account-stack.ts'],
      },
      {
        id: 'C15',
        title: 'All resources tagged',
        summary: 'Every taggable resource carries `Application=AgenticAI` and `Environment=<env>`.',
        where: ['infra/stacks/agenticai-stack.ts', 'infra/stacks/account-stack.ts'],
      },
      {
        id: 'C16',
        title: 'Environments from one typed configuration',
        summary:
          '`dev`, `staging`, `production` come from one zod-validated configuration; an invalid value names its field at synth.',
        where: ['infra/config.ts', 'infra/environments.ts'],
      },
    ],
  },
] as const satisfies readonly RequirementGroup[];

export const REQUIREMENTS: readonly Requirement[] = REQUIREMENT_GROUPS.flatMap(
  (g) => g.requirements as readonly Requirement[],
);

export type RequirementId = (typeof REQUIREMENT_GROUPS)[number]['requirements'][number]['id'];

export const requirementById = (id: string): Requirement | undefined => REQUIREMENTS.find((r) => r.id === id);
