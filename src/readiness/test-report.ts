import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { REQUIREMENT_GROUPS, REQUIREMENTS } from './requirements.ts';

/** The part of vitest's JSON report (`vitest run --reporter=json --outputFile=…`) the report reads. */
const VitestJsonReport = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      assertionResults: z.array(
        z.object({
          ancestorTitles: z.array(z.string()),
          title: z.string(),
          status: z.string(),
        }),
      ),
    }),
  ),
});

export interface TestEvidence {
  passed: number;
  failed: number;
  /** skipped, pending, todo */
  skipped: number;
  /** Full titles of the failed tests, to say what broke. */
  failures: string[];
}

export interface TestIndex {
  byRequirement: Map<string, TestEvidence>;
  /** Tests whose title names no known requirement ID (e.g. the retired lumped "C"). */
  unmapped: number;
  total: number;
}

const TOKEN = /\b(R\d+(?:\.\d+)?|C\d+)\b/g;
const ID_SET = new Set(REQUIREMENTS.map((r) => r.id));

/**
 * The requirement IDs a test title names. "R7.1/R7.3" names both; a bare group ("R2", "R10") names
 * every requirement of the group unless the title also names one of them specifically.
 */
export function requirementIdsIn(title: string): string[] {
  const tokens = [...title.matchAll(TOKEN)].map((m) => m[1]!);
  const ids = new Set(tokens.filter((t) => ID_SET.has(t)));
  for (const token of tokens) {
    const group = REQUIREMENT_GROUPS.find((g) => g.id === token && g.id !== 'C');
    if (!group) continue;
    const members = group.requirements.map((r) => r.id as string);
    if (!members.some((id) => ids.has(id))) for (const id of members) ids.add(id);
  }
  return [...ids];
}

export class TestReportError extends Error {
  override readonly name = 'TestReportError';
}

/** Counts passed, failed and skipped tests per requirement ID from a vitest JSON report. */
export function indexTestReport(report: unknown): TestIndex {
  const parsed = VitestJsonReport.safeParse(report);
  if (!parsed.success) {
    throw new TestReportError(
      `not a vitest JSON report (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message}); produce one with vitest run --reporter=json --outputFile=<file>`,
    );
  }
  const byRequirement = new Map<string, TestEvidence>();
  let unmapped = 0;
  let total = 0;
  for (const file of parsed.data.testResults) {
    for (const test of file.assertionResults) {
      total += 1;
      const fullTitle = [...test.ancestorTitles, test.title].join(' › ');
      const ids = requirementIdsIn(fullTitle);
      if (ids.length === 0) unmapped += 1;
      for (const id of ids) {
        const e = byRequirement.get(id) ?? { passed: 0, failed: 0, skipped: 0, failures: [] };
        if (test.status === 'passed') e.passed += 1;
        else if (test.status === 'failed') {
          e.failed += 1;
          e.failures.push(fullTitle);
        } else e.skipped += 1;
        byRequirement.set(id, e);
      }
    }
  }
  return { byRequirement, unmapped, total };
}

export function readTestReport(path: string): TestIndex {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TestReportError(
      `cannot read test report ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TestReportError(`test report ${path} is not JSON`);
  }
  return indexTestReport(json);
}
