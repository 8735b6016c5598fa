import { z } from 'zod';

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

/** One typed environment configuration, validated at synth (an invalid value names its field). */
export const EnvironmentConfig = z.strictObject({
  name: z.enum(['dev', 'staging', 'production']),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region,
  adminEmails: z.array(z.email()).min(1, 'needs at least one administrator email'),
  /** Monthly AWS budget in USD (R5.1). */
  monthlyBudgetUsd: z.number().positive().default(50),
  api: z
    .strictObject({
      /** Stage throttling, requests per second (a second line behind the per-client hourly limit). */
      throttleRateLimit: z.number().int().positive().default(1000),
      throttleBurstLimit: z.number().int().positive().default(2000),
      /** Reserved concurrency of the API function, so workers can never starve it. */
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
    })
    .default({ memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 5 }),
  /** The account's regional Lambda concurrency limit (alarms compare unreserved functions with it). */
  accountConcurrencyLimit: z.number().int().min(10).default(1000),
  waf: z
    .strictObject({
      /** Requests per IP per 5 minutes before WAF blocks (R8.2). */
      ratePerIpPer5Min: z.number().int().min(100).max(2_000_000_000).default(2000),
      /** Also block anonymising networks (VPNs, Tor, hosting providers). */
      blockAnonymousIps: z.boolean().default(false),
    })
    .default({ ratePerIpPer5Min: 2000, blockAnonymousIps: false }),
  /** Filter the account budget to costs tagged `Environment=<value>` (activate the cost allocation tag first). */
  budgetEnvironmentTag: z.string().min(1).optional(),
  /** Cost anomaly alert threshold in USD of total impact. */
  anomalyThresholdUsd: z.number().positive().default(10),
  /** Reuse an existing SERVICE anomaly monitor (an account allows one) instead of creating one. */
  existingAnomalyMonitorArn: z.string().startsWith('arn:aws:ce::').optional(),
  /** DynamoDB point-in-time recovery period (R7.3: at least 7 days). */
  pitrRecoveryPeriodDays: z.number().int().min(7).max(35).default(35),
  /** Regions whose canaries probe the API (R11.5). */
  canaryRegions: z.array(region).min(1).optional(),
  bedrockModelId: z.string().min(1).default('anthropic.claude-3-5-haiku-20241022-v1:0'),
  customDomain: z
    .strictObject({ domainName: z.string().min(3), certificateArn: z.string().startsWith('arn:aws:acm:') })
    .optional(),
  /** Keep data stores on stack deletion and protect tables from deletion. */
  retainData: z.boolean().optional(),
  tags: z.record(z.string(), z.string()).default({}),
});

export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;

export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}

export function parseEnvironment(raw: unknown): EnvironmentConfig {
  const parsed = EnvironmentConfig.safeParse(raw);
  if (!parsed.success) {
    const env = (raw as { name?: string } | undefined)?.name ?? '?';
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InfraConfigError(`environment ${env}: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  return {
    ...config,
    canaryRegions: config.canaryRegions ?? [config.region],
    retainData: config.retainData ?? config.name !== 'dev',
  };
}
