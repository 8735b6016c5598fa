/**
 * Which responses the Lambda adapter base64-encodes (and flags `isBase64Encoded`). The REST API
 * declares no binary media types, so API Gateway passes a base64 body to the client unchanged:
 * every textual type must go out as text. Hono's default treats only a few `text/*` types, JSON and
 * XML as text, which turned Markdown and YAML artifacts into base64. Anything else (images,
 * archives) is still encoded — and would arrive as base64 text — which is why no route answers with
 * a binary body: artifacts are text, and a binary artifact would be served through a presigned S3
 * URL (302) rather than through API Gateway (see docs/ARCHITECTURE.md).
 */
export function isContentTypeBinary(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('text/')) return false;
  if (/\+(?:json|xml|yaml)$/.test(type)) return false;
  return !TEXTUAL_APPLICATION_TYPES.has(type);
}

const TEXTUAL_APPLICATION_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/javascript',
  'application/x-www-form-urlencoded',
]);
