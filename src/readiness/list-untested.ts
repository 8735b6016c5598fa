import { readFileSync } from 'node:fs';
import { testTitlesOf, untestedRequirements } from './untested.ts';

/**
 * Lists the built requirements no test title names, and exits 1 when there is one. Reads either
 * `npx vitest list --json=tests.json` (lists without running: quick) or the JSON report `npm test`
 * writes (test-report.json; CI's gate):
 *   node --import tsx src/readiness/list-untested.ts test-report.json
 */
const file = process.argv[2];
if (!file) {
  process.stderr.write(
    'usage: node --import tsx src/readiness/list-untested.ts <tests.json | test-report.json>\n',
  );
  process.exit(2);
}
let titles: string[];
try {
  titles = testTitlesOf(JSON.parse(readFileSync(file, 'utf8')));
} catch (error) {
  process.stderr.write(`cannot read test titles from ${file}: ${(error as Error).message}\n`);
  process.exit(2);
}
const untested = untestedRequirements(titles);
for (const r of untested) process.stdout.write(`${r.id}\t${r.title}\n`);
process.stdout.write(
  `${untested.length} built requirement(s) named by no test title (of ${titles.length} tests)\n`,
);
process.exit(untested.length > 0 ? 1 : 0);
