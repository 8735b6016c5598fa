import { REQUIREMENTS, type Requirement } from './requirements.ts';
import { requirementIdsIn } from './test-report.ts';

/**
 * Requirements built (no `notBuilt`) that no test title names: each should have a test that proves
 * it and says so in its title (issue 10, item 8).
 */
export function untestedRequirements(titles: readonly string[]): Requirement[] {
  const named = new Set(titles.flatMap(requirementIdsIn));
  return REQUIREMENTS.filter((r) => !r.notBuilt && !named.has(r.id));
}

/**
 * Full test titles from `vitest list --json=<file>` (an array of `{ name }`, suites joined by " > ";
 * lists without running) or from a vitest JSON report (`--reporter=json`).
 */
export function testTitlesOf(json: unknown): string[] {
  if (Array.isArray(json)) return json.map((t) => String((t as { name?: unknown }).name ?? ''));
  const files = (
    json as { testResults?: { assertionResults?: { ancestorTitles: string[]; title: string }[] }[] }
  )?.testResults;
  if (!Array.isArray(files)) throw new Error('neither `vitest list --json` output nor a vitest JSON report');
  return files.flatMap((f) =>
    (f.assertionResults ?? []).map((t) => [...t.ancestorTitles, t.title].join(' › ')),
  );
}
