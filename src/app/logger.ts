import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/**
 * Powertools' standard keys, minus `sampling_rate` while no debug sampling is configured (it would
 * read 0 on every line: ~18 of the access line's bytes, and log ingestion is priced per byte).
 */
class LeanLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const lambda = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: lambda?.coldStart,
        function_arn: lambda?.invokedFunctionArn,
        function_memory_size: lambda?.memoryLimitInMB,
        function_name: lambda?.functionName,
        function_request_id: lambda?.awsRequestId,
        sampling_rate: attributes.sampleRateValue || undefined,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additional);
  }
}

/**
 * One structured JSON logger for every entry point (Powertools Logger: one JSON object per line,
 * with `level`, `message`, `timestamp`, `service` and the fields given). Never pass secrets in fields.
 */
export function createLogger(opts: { serviceName: string; logLevel: LogLevel }): Logger {
  return new Logger({
    serviceName: opts.serviceName,
    logLevel: opts.logLevel,
    logFormatter: new LeanLogFormatter(),
  });
}

export type { Logger };
