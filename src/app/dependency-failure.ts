const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'ServiceUnavailable',
  'InternalServerError',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);

/**
 * Exhausted or failing local resources (disk full, I/O error, out of file descriptors, read-only
 * or over-quota file system) and the embedded store's I/O errors: they pass when the resource
 * comes back, so they are "unavailable", not bugs.
 */
const RESOURCE_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EROFS',
  'EAGAIN',
  'ENOMEM',
  'EPIPE',
  'LEVEL_IO_ERROR',
  'LEVEL_DATABASE_NOT_OPEN',
]);

type ErrorMeta = Error & {
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
};

/**
 * True for failures of a backing service or resource (throttled, unreachable, 5xx, disk full,
 * out of descriptors) as opposed to bugs: the caller gets 503 + Retry-After instead of a 500, and
 * a pipeline stage that hits one is retried without spending one of its attempts.
 */
export function isDependencyFailure(error: unknown): boolean {
  // Follow `cause` a few levels: the SDK and abstract-level wrap the system error.
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const meta = e as ErrorMeta;
    const code = typeof meta.code === 'string' ? meta.code : undefined;
    if (TRANSIENT_NAMES.has(e.name) || (code && (TRANSIENT_NAMES.has(code) || RESOURCE_CODES.has(code)))) {
      return true;
    }
    if (meta.$retryable) return true;
    const status = meta.$metadata?.httpStatusCode;
    if (status !== undefined && status >= 500) return true;
    e = meta.cause;
  }
  return false;
}
