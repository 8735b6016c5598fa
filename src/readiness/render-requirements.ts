import { TEMPLATE_CHECKS } from './checks/index.ts';
import { LIVE_CHECKS } from './live/index.ts';
import { cell } from './markdown.ts';
import { REQUIREMENT_GROUPS, type Requirement } from './requirements.ts';

export { cell };

/** `path/to/file.ts (note)` → a link relative to docs/, keeping the note. */
function whereLink(where: string): string {
  const [path, ...rest] = where.split(' ');
  const note = rest.length > 0 ? ` ${rest.join(' ')}` : '';
  return `[${path}](../${path})${note}`;
}

function row(r: Requirement): string {
  const where = r.where.map(whereLink).join('<br>') || '—';
  const checks = [...TEMPLATE_CHECKS, ...LIVE_CHECKS]
    .filter((c) => (c.requirements as readonly string[]).includes(r.id))
    .map((c) => `\`${c.id}\``);
  const status = [
    r.notBuilt ? `**Not built yet:** ${r.notBuilt}` : 'built',
    checks.length > 0 ? `checked by ${checks.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('<br>');
  return `| ${r.id} | ${cell(r.title)} | ${cell(r.summary)} | ${cell(where)} | ${cell(status)} |`;
}

/** docs/REQUIREMENTS.md, rendered from src/readiness/requirements.ts (`npm run docs`). */
export function renderRequirementsMarkdown(): string {
  const lines = [
    '# Requirements',
    '',
    '<!-- Generated from src/readiness/requirements.ts by `npm run docs`; edit that file, not this one. -->',
    '',
    'Every requirement of AgenticAI, what it means for this system and where it is implemented. Test',
    'titles name these IDs (e.g. "R7.1 …"), and `agenticai readiness` maps each ID to its automated',
    'evidence: checks on the synthesized templates and the tests that name it (see',
    '[READINESS.md](READINESS.md)); the Status column names the checks (`src/readiness/checks/`, and',
    '`src/readiness/live/` for `--live`). R2 and R10 are numbered after the original acceptance criteria;',
    'the readiness checklist is split into C1–C16, one ID per item. IDs never change meaning.',
    'Every built requirement is named by a test title; `node --import tsx src/readiness/list-untested.ts',
    'test-report.json` lists any that is not (CI fails on one).',
    '',
  ];
  for (const group of REQUIREMENT_GROUPS) {
    lines.push(`## ${group.id} ${group.title}`, '');
    lines.push('| ID | Requirement | What it means here | Where | Status |', '|---|---|---|---|---|');
    for (const r of group.requirements as readonly Requirement[]) lines.push(row(r));
    lines.push('');
  }
  return lines.join('\n');
}
