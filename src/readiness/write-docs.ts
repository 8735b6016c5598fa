import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRequirementsMarkdown } from './render-requirements.ts';
import { buildReport, renderMarkdown } from './report.ts';
import { synthesizeTemplates } from './synthesize.ts';
import { templateSetFor } from './template-set.ts';

/**
 * `npm run docs`: regenerates the documents rendered from code, so they never drift:
 * docs/REQUIREMENTS.md from the requirement list, docs/READINESS.md from the offline readiness
 * report of production (the synthesized templates, no test report: deterministic).
 */
const requirements = join('docs', 'REQUIREMENTS.md');
writeFileSync(requirements, renderRequirementsMarkdown());
process.stdout.write(`wrote ${requirements}\n`);

const readiness = join('docs', 'READINESS.md');
writeFileSync(
  readiness,
  renderMarkdown(buildReport(templateSetFor('production', await synthesizeTemplates()))),
);
process.stdout.write(`wrote ${readiness}\n`);
