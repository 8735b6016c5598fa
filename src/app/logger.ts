import { Logger } from '@aws-lambda-powertools/logger';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/**
 * One structured JSON logger for every entry point (Powertools Logger: one JSON object per line,
 * with `level`, `message`, `timestamp`, `service` and the fields given). Never pass secrets in fields.
 */
export function createLogger(opts: { serviceName: string; logLevel: LogLevel }): Logger {
  return new Logger({ serviceName: opts.serviceName, logLevel: opts.logLevel });
}

export type { Logger };
