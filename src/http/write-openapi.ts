import { writeFileSync } from 'node:fs';
import { OPENAPI_DOCUMENT_FILE, renderOpenApiDocument } from './openapi.ts';

/** Part of `npm run docs` (run from the repository root): writes the OpenAPI document the app serves. */
writeFileSync(OPENAPI_DOCUMENT_FILE, renderOpenApiDocument());
process.stdout.write(`wrote ${OPENAPI_DOCUMENT_FILE}\n`);
