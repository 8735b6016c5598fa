import * as z from './validation.ts';

export const PROJECT_TYPES = ['api', 'web', 'cli', 'library', 'data'] as const;
export const STAGES = ['pm', 'dev', 'qa', 'ops'] as const;
export const PROJECT_STATUSES = ['queued', ...STAGES, 'completed', 'failed'] as const;

export type ProjectType = (typeof PROJECT_TYPES)[number];
export type Stage = (typeof STAGES)[number];
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** Registers a schema's OpenAPI metadata (component id or description) in zod's global registry. */
function meta<T extends z.ZodMiniType>(schema: T, m: { id?: string; description?: string }): T {
  z.globalRegistry.add(schema, m);
  return schema;
}

const isoDateTime = () => z.iso.datetime();
const count = () => z.int().check(z.nonnegative());

/** The client's request body for POST /api/projects. Unknown fields are rejected. */
export const CreateProjectInput = meta(
  z.strictObject({
    name: z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'name must not be empty'),
        z.maxLength(100, 'name must be at most 100 characters'),
      ),
    type: z.enum(PROJECT_TYPES),
    description: z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'description must not be empty'),
        z.maxLength(4000, 'description must be at most 4000 characters'),
      ),
  }),
  { id: 'CreateProjectInput' },
);
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

export const StageRecord = meta(
  z.object({
    stage: z.enum(STAGES),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: isoDateTime(),
    endedAt: z.optional(isoDateTime()),
    durationMs: z.optional(count()),
    attempts: z.int().check(z.positive()),
    provider: meta(z.optional(z.string()), { description: 'Model provider and model that ran the stage.' }),
    error: z.optional(z.string()),
    outcome: meta(z.optional(z.enum(['changes_requested'])), {
      description: 'QA only: the review sent the project back to Dev.',
    }),
    tokens: z.optional(z.object({ input: z.int(), output: z.int() })),
  }),
  { id: 'StageRecord' },
);
export type StageRecord = z.infer<typeof StageRecord>;

export const Project = meta(
  z.object({
    id: z.string(),
    clientId: z.string(),
    name: z.string(),
    type: z.enum(PROJECT_TYPES),
    description: z.string(),
    status: z.enum(PROJECT_STATUSES),
    stage: meta(z.nullable(z.enum(STAGES)), { description: 'The stage working on the project now, if any.' }),
    version: count(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    failure: z.optional(z.object({ stage: z.enum(STAGES), reason: z.string() })),
    history: z.array(StageRecord),
    canary: meta(z.optional(z.literal(true)), {
      description: 'A canary project: outside quotas, never run by the pipeline, deleted after a day.',
    }),
  }),
  { id: 'Project' },
);
export type Project = z.infer<typeof Project>;

/** A new project as the pipeline first sees it: queued, no stage started. */
export function newProject(args: {
  id: string;
  clientId: string;
  input: CreateProjectInput;
  now: Date;
  canary?: boolean;
}): Project {
  const at = args.now.toISOString();
  return {
    id: args.id,
    clientId: args.clientId,
    ...args.input,
    status: 'queued',
    stage: null,
    version: 0,
    createdAt: at,
    updatedAt: at,
    history: [],
    ...(args.canary && { canary: true as const }),
  };
}

export const Artifact = meta(
  z.object({
    name: z.string(),
    stage: z.enum(STAGES),
    contentType: z.string(),
    size: count(),
    createdAt: isoDateTime(),
  }),
  { id: 'Artifact' },
);
export type Artifact = z.infer<typeof Artifact>;

/**
 * The one order of artifact listings, whatever stores them: pipeline stage, then name by UTF-16
 * code unit (`B` before `a`). Never `localeCompare`: its order depends on the runtime's ICU data
 * and locale, so S3 and local listings would differ for mixed-case names.
 */
export function compareArtifacts(a: Pick<Artifact, 'stage' | 'name'>, b: Pick<Artifact, 'stage' | 'name'>) {
  return (
    STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}
