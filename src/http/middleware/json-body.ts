import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../domain/errors.ts';
import type * as z from '../../domain/validation.ts';
import type { HttpContext, HttpEnv } from '../context.ts';
import { toFieldIssues } from '../errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/** 413 for bodies over 64 KiB, counted while streaming so a missing Content-Length cannot bypass it. */
export const limitBody: MiddlewareHandler<HttpEnv> = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError('payload_too_large', `request body must be at most ${MAX_BODY_BYTES} bytes`);
  },
});

/** Reads a JSON body and validates it with the schema: 415, 400 invalid_json or 400 validation_failed. */
export async function readJsonBody<S extends z.ZodMiniType>(c: HttpContext, schema: S): Promise<z.infer<S>> {
  const contentType = c.req.header('content-type');
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Content-Type must be application/json');
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'request body is invalid', toFieldIssues(parsed.error.issues));
  }
  return parsed.data;
}
