import type { Peppers } from './ports.ts';

/**
 * The pepper document, in Secrets Manager and in the local data dir alike:
 * `{"current": 2, "1": "<old pepper>", "2": "<new pepper>"}`. New keys hash with `current`; older
 * keys keep verifying with the version stored in their record until they are rotated.
 * (CDK's `generateStringKey` produces exactly this shape for version 1.)
 */
export function parsePeppers(text: string): Peppers {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('pepper document is not JSON');
  }
  if (!doc || typeof doc !== 'object') throw new Error('pepper document must be a JSON object');
  const byVersion = new Map<number, Buffer>();
  for (const [name, value] of Object.entries(doc)) {
    if (name === 'current') continue;
    const version = Number(name);
    if (!Number.isInteger(version) || version < 1 || typeof value !== 'string' || value.length < 16) {
      throw new Error(
        `pepper document: entry "${name}" must be a version number with a string of 16+ characters`,
      );
    }
    byVersion.set(version, Buffer.from(value, 'utf8'));
  }
  const current = Number((doc as { current?: unknown }).current ?? Math.max(...byVersion.keys()));
  if (!byVersion.has(current)) throw new Error(`pepper document: current version ${current} has no pepper`);
  return { current, byVersion };
}
