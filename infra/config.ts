import { z } from 'zod';
import { DEFAULT_PIPELINE_MAX_ATTEMPTS } from '../src/config.ts';
import { COST_PROFILES } from '../src/domain/cost-profile.ts';
import { resourceNames } from '../src/naming.ts';

/** Where alarms link when no runbook URL is configured: the runbook in this repository. */
export const DEFAULT_RUNBOOK = 'docs/RUNBOOK.md';

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

/** One typed environment configuration, validated at synth (an invalid value names its field). */
export const EnvironmentConfig = z.strictObject({
  name: z.enum(['dev', 'staging', 'production']),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region,
  /** Alert and budget recipients; staging and production need at least one real address. */
  adminEmails: z.array(z.email()).default([]),
  /**
   * Monthly AWS budget in USD (R5.1). One budget covers the whole account: the highest environment
   * in the account sets it (production, else staging, else dev); `agenticai cost estimate --all`
   * compares every environment of the account with it.
   */
  monthlyBudgetUsd: z.number().positive().default(50),
  /**
   * What the environment spends on hardening (docs/COSTS.md): the catalog alarms it keeps (their
   * `profiles`) and, in `full` only, the composite alarm. Production keeps `full`.
   */
  costProfile: z.enum(COST_PROFILES).default('full'),
  /**
   * The Slack notifier (C4: email plus optional Slack): its function, webhook secret, DLQ and their
   * alarms. Off, alerts go by email only.
   */
  slackNotifier: z.boolean().default(true),
  api: z
    .strictObject({
      /** Stage throttling, requests per second (a second line behind the per-client hourly limit). */
      throttleRateLimit: z.number().int().positive().default(1000),
      throttleBurstLimit: z.number().int().positive().default(2000),
      /**
       * Reserved concurrency of the API function, so workers can never starve it. Off by default:
       * Lambda keeps 100 unreserved, so on a new account (quota 10) any reservation fails.
       */
      reservedConcurrency: z.number().int().min(1).max(1000).optional(),
      memoryMb: z.number().int().min(128).max(10240).default(512),
      timeoutSeconds: z.number().int().min(1).max(29).default(29),
    })
    .default({ throttleRateLimit: 1000, throttleBurstLimit: 2000, memoryMb: 512, timeoutSeconds: 29 }),
  workers: z
    .strictObject({
      memoryMb: z.number().int().min(128).max(10240).default(1024),
      timeoutSeconds: z.number().int().min(10).max(900).default(300),
      /** Concurrent worker invocations per stage queue (event source maxConcurrency, 2-1000). */
      maxConcurrency: z.number().int().min(2).max(1000).default(5),
      /**
       * Deliveries of a stage message before the project fails: the stage queues' redrive
       * `maxReceiveCount` and the worker's PIPELINE_MAX_ATTEMPTS, one number (1-10).
       * @default DEFAULT_PIPELINE_MAX_ATTEMPTS (3)
       */
      maxAttempts: z.number().int().min(1).max(10).default(DEFAULT_PIPELINE_MAX_ATTEMPTS),
    })
    .default({
      memoryMb: 1024,
      timeoutSeconds: 300,
      maxConcurrency: 5,
      maxAttempts: DEFAULT_PIPELINE_MAX_ATTEMPTS,
    }),
  /** The account's regional Lambda concurrency limit (alarms compare unreserved functions with it). */
  accountConcurrencyLimit: z.number().int().min(10).default(1000),
  waf: z
    .strictObject({
      /** A web ACL in front of the API (R8.1, R8.2): $5 + $1 per rule a month, $0.60 per million requests. */
      enabled: z.boolean().default(true),
      /** Requests per IP per 5 minutes before WAF blocks (R8.2). */
      ratePerIpPer5Min: z.number().int().min(100).max(2_000_000_000).default(2000),
      /** Also block anonymising networks (VPNs, Tor, hosting providers). */
      blockAnonymousIps: z.boolean().default(false),
    })
    .default({ enabled: true, ratePerIpPer5Min: 2000, blockAnonymousIps: false }),
  /**
   * Filter the account budget to costs tagged `Environment=<value>` (activate the cost allocation tag
   * first); `cost estimate --all` then compares only that environment with the budget.
   */
  budgetEnvironmentTag: z.string().min(1).optional(),
  /** Cost anomaly alert threshold in USD of total impact. */
  anomalyThresholdUsd: z.number().positive().default(10),
  /** Reuse an existing SERVICE anomaly monitor (an account allows one) instead of creating one. */
  existingAnomalyMonitorArn: z.string().startsWith('arn:aws:ce::').optional(),
  /** DynamoDB point-in-time recovery period (R7.3: at least 7 days). */
  pitrRecoveryPeriodDays: z.number().int().min(7).max(35).default(35),
  /**
   * Regions whose canaries probe the API (R11.5): the environment's own region (its canary lives in
   * the environment stack) and each other one in a stack of its own. Default: the region only.
   */
  canaryRegions: z
    .array(region)
    .min(1)
    .refine((regions) => new Set(regions).size === regions.length, 'lists a region twice')
    .optional(),
  /**
   * How a deploy moves each function's `live` alias to the new version (R12.5), through CodeDeploy:
   * `canary` shifts 10 % of the traffic for 5 minutes, then the rest (Canary10Percent5Minutes);
   * `allAtOnce` shifts it all at once. Either rolls back by itself when a critical alarm of the
   * catalog fires or the deployment fails.
   * @default 'allAtOnce' ('canary' for production in infra/environments.ts)
   */
  deploymentStyle: z.enum(['canary', 'allAtOnce']).default('allAtOnce'),
  /** Minutes between canary runs in each region (R11.1: 5 in production; longer is cheaper). */
  canaryIntervalMinutes: z.number().int().min(1).max(60).default(5),
  /**
   * Model id or cross-region inference profile id (`us.`/`eu.`/`apac.`/`global.` + model id).
   * Default: the Claude Haiku 4.5 profile of the environment's geography.
   */
  bedrockModelId: z
    .string()
    .regex(/^[a-z0-9.:-]+$/, 'must be a Bedrock model or inference profile id')
    .optional(),
  /** Regions a geographic inference profile routes to (IAM needs the model in each). Default per geography. */
  bedrockProfileRegions: z.array(region).min(1).optional(),
  /** Link in every alarm description; default the repository's docs/RUNBOOK.md (never an invented URL). */
  runbookUrl: z.string().min(1).default(DEFAULT_RUNBOOK),
  customDomain: z
    .strictObject({ domainName: z.string().min(3), certificateArn: z.string().startsWith('arn:aws:acm:') })
    .optional(),
  /**
   * Keep data stores, the pepper secret and their keys when the stack is deleted or replaces them
   * (`RetainExceptOnCreate`: a failed first create still cleans up, so a retry works). Default: not in dev.
   */
  retainData: z.boolean().optional(),
  /**
   * DynamoDB deletion protection on the data table. Off by default because a protected table
   * cannot be rolled back on a failed first create; turn it on after the first deploy.
   */
  tableDeletionProtection: z.boolean().default(false),
  /**
   * The data table the functions, alarms and dashboard use: a table restored by `agenticai restore
   * table` (docs/RECOVERY.md). The stack never owns such a table; it references it, and keeps the
   * table it created (retained, never deleted by a switch). Remove the field to switch back.
   * @default resourceNames(name).dataTable, the table this stack creates
   */
  dataTableName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)')
    .optional(),
  /** Bundle source maps into the functions (readable stack traces; 3-5 MB more per bundle). */
  sourceMaps: z.boolean().default(false),
  tags: z.record(z.string(), z.string()).default({}),
});

export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;

export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}

/**
 * Validates one environment. `placeholder`: the account is the offline placeholder (never
 * deployable), so the contact checks that protect a real deploy are skipped.
 */
export function parseEnvironment(raw: unknown, opts: { placeholder?: boolean } = {}): EnvironmentConfig {
  const parsed = EnvironmentConfig.safeParse(raw);
  if (!parsed.success) {
    const env = (raw as { name?: string } | undefined)?.name ?? '?';
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InfraConfigError(`environment ${env}: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  if (config.name !== 'dev' && !opts.placeholder) {
    if (config.adminEmails.length === 0)
      throw new InfraConfigError(
        `environment ${config.name}: adminEmails: ${config.name} needs at least one administrator email (set AGENTICAI_ADMIN_EMAILS)`,
      );
    const placeholder = config.adminEmails.find(isPlaceholderEmail);
    if (placeholder)
      throw new InfraConfigError(
        `environment ${config.name}: adminEmails: ${placeholder} is a placeholder address; alerts would go nowhere (set AGENTICAI_ADMIN_EMAILS)`,
      );
  }
  const ownTable = resourceNames(config.name).dataTable;
  // Only this environment's table or a restore of it: a typo must not point production at dev's data.
  if (config.dataTableName !== undefined && !config.dataTableName.startsWith(ownTable))
    throw new InfraConfigError(
      `environment ${config.name}: dataTableName: ${config.dataTableName} is not ${ownTable} or a table restored from it (${ownTable}-…)`,
    );
  if (config.canaryRegions && !config.canaryRegions.includes(config.region))
    throw new InfraConfigError(
      `environment ${config.name}: canaryRegions: must include the environment's region ${config.region} (its canary shares the stack with the canary key)`,
    );
  const bedrockModelId = config.bedrockModelId ?? defaultBedrockModel(config.region);
  return {
    ...config,
    bedrockModelId,
    bedrockProfileRegions: config.bedrockProfileRegions ?? profileRegions(bedrockModelId, config.region),
    canaryRegions: config.canaryRegions ?? [config.region],
    retainData: config.retainData ?? config.name !== 'dev',
  };
}

/** Reserved documentation domains (RFC 2606 / 6761) never receive mail. */
export function isPlaceholderEmail(email: string): boolean {
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  return /(^|\.)example\.(com|net|org)$/.test(domain) || /\.(example|test|invalid|localhost)$/.test(domain);
}

/** The model behind the default profiles: Claude Haiku 4.5 (invoked through an inference profile only). */
export const DEFAULT_BEDROCK_MODEL = 'anthropic.claude-haiku-4-5-20251001-v1:0';

/** Destination regions of each geographic inference profile (override with bedrockProfileRegions). */
export const PROFILE_REGIONS: Record<string, string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  eu: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
  apac: [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-4',
  ],
};

/** The geography prefix of an inference profile id (`us`, `eu`, `apac`, `global`), if it is one. */
export function profileGeography(modelId: string): string | undefined {
  const prefix = modelId.split('.')[0]!;
  return prefix in PROFILE_REGIONS || prefix === 'global' ? prefix : undefined;
}

function geographyOf(region: string): string {
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'global';
}

export function defaultBedrockModel(region: string): string {
  return `${geographyOf(region)}.${DEFAULT_BEDROCK_MODEL}`;
}

function profileRegions(modelId: string, region: string): string[] {
  const geo = profileGeography(modelId);
  // A plain model id runs in the environment's region; a global profile may route to any region.
  if (!geo) return [region];
  if (geo === 'global') return [];
  return PROFILE_REGIONS[geo]!;
}

/**
 * The GitHub repository whose workflows deploy (docs/DEPLOYMENT.md, "Continuous deployment"). GitHub
 * owner and repository names: letters, digits, `-`, `_`, `.` (owners: no `_` or `.`).
 */
export const GithubConfig = z.strictObject({
  owner: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub user or organization name'),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name'),
  /** An existing `token.actions.githubusercontent.com` provider (an account holds one per URL) to reuse. */
  existingOidcProviderArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
      "must be the ARN of the account's token.actions.githubusercontent.com OIDC provider",
    )
    .optional(),
});

export type GithubConfig = z.infer<typeof GithubConfig>;
