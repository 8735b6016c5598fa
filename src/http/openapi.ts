import { Artifact, CreateProjectInput, Project, StageRecord } from '../domain/project.ts';
import * as z from '../domain/validation.ts';
import { ArtifactList, ErrorResponse, HealthResponse, ProjectList } from './schemas.ts';

function registryOf(...types: z.ZodMiniType[]) {
  const registry = z.registry<{ id: string }>();
  for (const type of types) registry.add(type, { id: z.globalRegistry.get(type)?.id as string });
  return registry;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: ERROR_DESCRIPTIONS[status], content: json('Error') },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (field details in error.details)',
  401: 'Missing API key (X-API-Key header)',
  403: 'Invalid, revoked or expired API key',
  404: 'Not found, or owned by another client',
  409: 'Idempotency-Key reused with a different body',
  413: 'Body larger than 64 KiB',
  415: 'Content-Type is not application/json',
  429: 'Rate limit exceeded (see Retry-After)',
  503: 'A dependency is unavailable',
};

const projectId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/**
 * The OpenAPI 3.1 document, without the service version (the app adds it). Component schemas are
 * generated from the zod schemas the code validates with (OpenAPI 3.1 uses JSON Schema 2020-12,
 * which is zod's native output). `npm run docs` writes it to openapi.generated.json, which the app
 * serves: the Lambda functions neither bundle the JSON Schema generator nor run it at cold start.
 */
export function buildOpenApiDocument() {
  const { schemas } = z.toJSONSchema(
    registryOf(Project, StageRecord, Artifact, ProjectList, ArtifactList, ErrorResponse, HealthResponse),
    {
      uri: (id) => `#/components/schemas/${id}`,
      io: 'output',
    },
  );
  // Input schemas describe what a client sends (before defaults and trimming).
  Object.assign(
    schemas,
    z.toJSONSchema(registryOf(CreateProjectInput), { uri: (id) => `#/components/schemas/${id}`, io: 'input' })
      .schemas,
  );
  for (const schema of Object.values(schemas)) delete (schema as { $schema?: string }).$schema;

  return {
    openapi: '3.1.0',
    info: {
      title: 'AgenticAI API',
      description:
        'Submit a project; PM, Dev, QA and Ops agents turn it into artifacts. Every endpoint requires X-API-Key.',
    },
    components: {
      schemas,
      securitySchemes: { ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
    },
    security: [{ ApiKey: [] }],
    paths: {
      '/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Liveness and dependency checks',
          responses: {
            200: { description: 'Healthy', content: json('Health') },
            503: { description: 'A dependency is failing', content: json('Health') },
            ...errorResponses(401, 403, 429),
          },
        },
      },
      '/api/projects': {
        post: {
          operationId: 'createProject',
          summary: 'Submit a project to the agent pipeline',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Retries with the same key and body return the same project for 24 hours.',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: json('CreateProjectInput') },
          responses: {
            202: { description: 'Accepted and queued', content: json('Project') },
            ...errorResponses(400, 401, 403, 409, 413, 415, 429),
          },
        },
        get: {
          operationId: 'listProjects',
          summary: "The caller's projects, newest first",
          parameters: [
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            200: { description: 'A page of projects', content: json('ProjectList') },
            ...errorResponses(400, 401, 403, 429),
          },
        },
      },
      '/api/projects/{id}': {
        get: {
          operationId: 'getProject',
          summary: 'One project with its stage history',
          parameters: [projectId],
          responses: {
            200: { description: 'The project', content: json('Project') },
            ...errorResponses(401, 403, 404, 429),
          },
        },
      },
      '/api/projects/{id}/artifacts': {
        get: {
          operationId: 'listArtifacts',
          summary: "The project's artifacts",
          parameters: [projectId],
          responses: {
            200: { description: 'Artifact list', content: json('ArtifactList') },
            ...errorResponses(401, 403, 404, 429),
          },
        },
      },
      '/api/projects/{id}/artifacts/{name}': {
        get: {
          operationId: 'getArtifact',
          summary: 'Artifact content',
          parameters: [projectId, { name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: { description: 'The content', content: { 'text/plain': { schema: { type: 'string' } } } },
            302: { description: 'Redirect to a short-lived download URL (AWS)' },
            ...errorResponses(401, 403, 404, 429),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { 200: { description: 'OpenAPI 3.1 document' }, ...errorResponses(401, 403, 429) },
        },
      },
    },
  };
}

/** Where `npm run docs` writes the document, relative to the repository root. */
export const OPENAPI_DOCUMENT_FILE = 'src/http/openapi.generated.json';

/** The file's exact content (a test compares it with the committed file). */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
