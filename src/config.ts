import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { resourceNames } from './naming.ts';

/**
 * One typed configuration for the runtime (local server, Lambda, CLI), read from environment
 * variables. Every variable has a default that makes `npm start` work with nothing set.
 */
// zod/mini (see domain/validation.ts, which the kernel may not import) with English messages.
z.config(en());

const booleanVar = z.pipe(
  z.enum(['true', 'false', '1', '0']),
  z.transform((v) => v === 'true' || v === '1'),
);

/** A canary step slower than this fails (R11.4); the deployed canary uses the same default. */
export const DEFAULT_CANARY_STEP_BUDGET_MS = 5000;

/**
 * Deliveries of a stage message before the project fails and the message is dead-lettered. One
 * number for the application (PIPELINE_MAX_ATTEMPTS) and the SQS redrive policy (maxReceiveCount):
 * infra passes the same value to both.
 */
export const DEFAULT_PIPELINE_MAX_ATTEMPTS = 3;

const EnvSchema = z.object({
  AGENTICAI_ENV: z._default(z.enum(['local', 'dev', 'staging', 'production']), 'local'),
  /** `local` embeds dynalite and the in-process workers; `aws` talks to the real services. */
  AGENTICAI_MODE: z._default(z.enum(['local', 'aws']), 'local'),
  /** An IP address or a host name (letters, digits, dots, hyphens); it must resolve to this machine. */
  HOST: z._default(
    z
      .string()
      .check(
        z.regex(
          /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/,
          'must be an IP address or a host name',
        ),
      ),
    '127.0.0.1',
  ),
  PORT: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 3000),
  AGENTICAI_DATA_DIR: z._default(z.string().check(z.minLength(1)), '.agenticai'),
  DATA_TABLE_NAME: z.optional(z.string().check(z.minLength(3), z.maxLength(255))),
  COUNTERS_TABLE_NAME: z.optional(z.string().check(z.minLength(3), z.maxLength(255))),
  /** Default requests per UTC hour for new clients (R6.1). */
  RATE_LIMIT_DEFAULT_HOURLY: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000_000)), 1000),
  /** Counter store down: admit and alarm (true) or answer 503 (false). */
  RATE_LIMIT_FAIL_OPEN: z._default(booleanVar, true),
  /** Key-record cache TTL: the longest a revoked key keeps working in a warm process. */
  AUTH_CACHE_TTL_SECONDS: z._default(z.coerce.number().check(z.gte(0), z.lte(60)), 30),
  AUTH_NEGATIVE_CACHE_TTL_SECONDS: z._default(z.coerce.number().check(z.gte(0), z.lte(60)), 5),
  /** Secrets Manager id of the key-hash pepper document (AWS mode). */
  PEPPER_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Benchmarks only, refused outside local mode: skip authentication and rate limiting. */
  AGENTICAI_UNSAFE_BYPASS_HARDENING: z._default(booleanVar, false),
  /** `template` (offline, deterministic; the local default) or `bedrock` (Converse API). */
  MODEL_PROVIDER: z._default(z.enum(['template', 'bedrock']), 'template'),
  BEDROCK_MODEL_ID: z._default(z.string().check(z.minLength(1)), 'anthropic.claude-3-5-haiku-20241022-v1:0'),
  MODEL_MAX_TOKENS_PER_STAGE: z._default(z.coerce.number().check(z.int(), z.gte(64), z.lte(200_000)), 4096),
  MODEL_CIRCUIT_FAILURES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 5),
  MODEL_CIRCUIT_COOLDOWN_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(3600)), 30),
  /** Deliveries of a stage message before the project fails (the stage queues' maxReceiveCount). */
  PIPELINE_MAX_ATTEMPTS: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(10)),
    DEFAULT_PIPELINE_MAX_ATTEMPTS,
  ),
  PIPELINE_LEASE_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(43_200)), 900),
  SWEEPER_INTERVAL_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(3600)), 60),
  SWEEPER_REQUEUE_AFTER_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(86_400)), 300),
  STUCK_PROJECT_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(604_800)), 900),
  PROJECTS_PER_DAY: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1_000_000)), 50),
  RUNNING_PROJECTS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000)), 5),
  /** Benchmarks: count store commands and log the totals at shutdown (`store_calls`). */
  AGENTICAI_COUNT_STORE_CALLS: z._default(booleanVar, false),
  POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'agenticai'),
  POWERTOOLS_LOG_LEVEL: z._default(
    z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']),
    'INFO',
  ),
  /**
   * Local server connection limits, so idle or slow clients cannot use up file descriptors: time to
   * send the request headers, time to send the whole request (headers and body), how long an idle
   * keep-alive connection stays open, and open connections at most (more are closed on accept).
   * Keep HTTP_MAX_CONNECTIONS well below `ulimit -n`: the embedded store needs descriptors too.
   */
  HTTP_HEADERS_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(300)), 15),
  HTTP_REQUEST_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(3600)), 60),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.gte(1), z.lte(300)), 5),
  HTTP_MAX_CONNECTIONS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100_000)), 256),
  /** Seconds the server waits for in-flight requests after SIGTERM/SIGINT before forcing exit. */
  SHUTDOWN_GRACE_SECONDS: z._default(z.coerce.number().check(z.gte(0), z.lte(300)), 10),
  /** The canary's API key for `agenticai canary run` (`--key` wins). */
  AGENTICAI_CANARY_KEY: z.optional(z.string().check(z.minLength(1))),
  /** Longest a canary step may take before the canary fails it as slow (R11.4). */
  CANARY_STEP_BUDGET_MS: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(300_000)),
    DEFAULT_CANARY_STEP_BUDGET_MS,
  ),
  /** The tenant used when hardening is bypassed (benchmarks). */
  AGENTICAI_LOCAL_CLIENT_ID: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)), 'local'),
});

export type RuntimeConfig = {
  env: z.infer<typeof EnvSchema>['AGENTICAI_ENV'];
  mode: z.infer<typeof EnvSchema>['AGENTICAI_MODE'];
  host: string;
  port: number;
  dataDir: string;
  dataTableName: string;
  countersTableName: string;
  defaultHourlyLimit: number;
  rateLimitFailOpen: boolean;
  authCacheTtlMs: number;
  authNegativeCacheTtlMs: number;
  pepperSecretId?: string;
  bypassHardening: boolean;
  countStoreCalls: boolean;
  model: {
    provider: 'template' | 'bedrock';
    bedrockModelId: string;
    maxTokensPerStage: number;
    circuitFailures: number;
    circuitCooldownMs: number;
  };
  pipeline: {
    maxAttempts: number;
    leaseMs: number;
    sweepIntervalMs: number;
    requeueAfterMs: number;
    stuckAfterMs: number;
  };
  quota: { projectsPerDay: number; runningProjects: number };
  serviceName: string;
  logLevel: z.infer<typeof EnvSchema>['POWERTOOLS_LOG_LEVEL'];
  shutdownGraceSeconds: number;
  localClientId: string;
  canary: { key?: string; stepBudgetMs: number };
  http: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
  };
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; an invalid value throws a ConfigError naming each offending variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  // Empty strings mean "unset", as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.AGENTICAI_UNSAFE_BYPASS_HARDENING && e.AGENTICAI_MODE !== 'local') {
    throw new ConfigError(
      'Invalid configuration: AGENTICAI_UNSAFE_BYPASS_HARDENING is only allowed in local mode',
    );
  }
  return {
    env: e.AGENTICAI_ENV,
    mode: e.AGENTICAI_MODE,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.AGENTICAI_DATA_DIR,
    dataTableName: e.DATA_TABLE_NAME ?? resourceNames(e.AGENTICAI_ENV).dataTable,
    countersTableName: e.COUNTERS_TABLE_NAME ?? resourceNames(e.AGENTICAI_ENV).countersTable,
    defaultHourlyLimit: e.RATE_LIMIT_DEFAULT_HOURLY,
    rateLimitFailOpen: e.RATE_LIMIT_FAIL_OPEN,
    authCacheTtlMs: e.AUTH_CACHE_TTL_SECONDS * 1000,
    authNegativeCacheTtlMs: e.AUTH_NEGATIVE_CACHE_TTL_SECONDS * 1000,
    pepperSecretId: e.PEPPER_SECRET_ID,
    bypassHardening: e.AGENTICAI_UNSAFE_BYPASS_HARDENING,
    countStoreCalls: e.AGENTICAI_COUNT_STORE_CALLS,
    model: {
      provider: e.MODEL_PROVIDER,
      bedrockModelId: e.BEDROCK_MODEL_ID,
      maxTokensPerStage: e.MODEL_MAX_TOKENS_PER_STAGE,
      circuitFailures: e.MODEL_CIRCUIT_FAILURES,
      circuitCooldownMs: e.MODEL_CIRCUIT_COOLDOWN_SECONDS * 1000,
    },
    pipeline: {
      maxAttempts: e.PIPELINE_MAX_ATTEMPTS,
      leaseMs: e.PIPELINE_LEASE_SECONDS * 1000,
      sweepIntervalMs: e.SWEEPER_INTERVAL_SECONDS * 1000,
      requeueAfterMs: e.SWEEPER_REQUEUE_AFTER_SECONDS * 1000,
      stuckAfterMs: e.STUCK_PROJECT_SECONDS * 1000,
    },
    quota: { projectsPerDay: e.PROJECTS_PER_DAY, runningProjects: e.RUNNING_PROJECTS },
    serviceName: e.POWERTOOLS_SERVICE_NAME,
    logLevel: e.POWERTOOLS_LOG_LEVEL,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      // Node requires the request timeout to be at least the headers timeout.
      requestTimeoutMs: Math.max(e.HTTP_REQUEST_TIMEOUT_SECONDS, e.HTTP_HEADERS_TIMEOUT_SECONDS) * 1000,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    localClientId: e.AGENTICAI_LOCAL_CLIENT_ID,
    canary: { key: e.AGENTICAI_CANARY_KEY, stepBudgetMs: e.CANARY_STEP_BUDGET_MS },
  };
}
