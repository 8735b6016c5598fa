import { z } from 'zod';

/**
 * One typed configuration for the runtime (local server, Lambda, CLI), read from environment
 * variables. Every variable has a default that makes `npm start` work with nothing set.
 */
const EnvSchema = z.object({
  AGENTICAI_ENV: z.enum(['local', 'dev', 'staging', 'production']).default('local'),
  /** `local` embeds dynalite and the in-process workers; `aws` talks to the real services. */
  AGENTICAI_MODE: z.enum(['local', 'aws']).default('local'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  AGENTICAI_DATA_DIR: z.string().min(1).default('.agenticai'),
  DATA_TABLE_NAME: z.string().min(3).max(255).optional(),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('agenticai'),
  POWERTOOLS_LOG_LEVEL: z
    .enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'])
    .default('INFO'),
  /** Seconds the server waits for in-flight requests after SIGTERM/SIGINT before forcing exit. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  /** Fixed tenant for local mode until API keys exist. */
  AGENTICAI_LOCAL_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .default('local'),
});

export type RuntimeConfig = {
  env: z.infer<typeof EnvSchema>['AGENTICAI_ENV'];
  mode: z.infer<typeof EnvSchema>['AGENTICAI_MODE'];
  host: string;
  port: number;
  dataDir: string;
  dataTableName: string;
  serviceName: string;
  logLevel: z.infer<typeof EnvSchema>['POWERTOOLS_LOG_LEVEL'];
  shutdownGraceSeconds: number;
  localClientId: string;
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
  return {
    env: e.AGENTICAI_ENV,
    mode: e.AGENTICAI_MODE,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.AGENTICAI_DATA_DIR,
    dataTableName: e.DATA_TABLE_NAME ?? `agenticai-${e.AGENTICAI_ENV}-data`,
    serviceName: e.POWERTOOLS_SERVICE_NAME,
    logLevel: e.POWERTOOLS_LOG_LEVEL,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    localClientId: e.AGENTICAI_LOCAL_CLIENT_ID,
  };
}
