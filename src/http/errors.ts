import type { AppError, ErrorCode, FieldIssue } from '../domain/errors.ts';
import type { HttpContext } from './context.ts';

export function errorBody(
  code: ErrorCode | string,
  message: string,
  requestId: string,
  details?: FieldIssue[],
) {
  return { error: { code, message, requestId, ...(details && { details }) } };
}

export function errorResponse(c: HttpContext, error: AppError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(
    errorBody(error.code, error.message, c.get('requestId'), error.details),
    error.status as 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503,
  );
}

type Issue = { code?: string; path: PropertyKey[]; message: string; keys?: string[] };

/** Zod issues as `{path, message}` pairs a client can act on; each unknown field is named. */
export function toFieldIssues(issues: ReadonlyArray<Issue>): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.') || '(body)', message: issue.message }];
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/**
 * A complete HTTP/1.1 error response as raw bytes, for the requests Node rejects before the app
 * sees them (malformed request line, oversized headers, timeouts): the same JSON body and
 * request-id header as every other error, and the connection closes after it.
 */
export function rawErrorResponse(
  status: keyof typeof REASONS,
  code: ErrorCode,
  message: string,
  requestId: string,
): string {
  const body = JSON.stringify(errorBody(code, message, requestId));
  return [
    `HTTP/1.1 ${status} ${REASONS[status]}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
