import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRequirementsMarkdown } from './render-requirements.ts';

/** `npm run docs`: regenerates the documents rendered from code, so they never drift. */
export const REQUIREMENTS_DOC = join('docs', 'REQUIREMENTS.md');

writeFileSync(REQUIREMENTS_DOC, renderRequirementsMarkdown());
process.stdout.write(`wrote ${REQUIREMENTS_DOC}\n`);
