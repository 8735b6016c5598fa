import { z } from 'zod';

export const PROJECT_TYPES = ['api', 'web', 'cli', 'library', 'data'] as const;
export const STAGES = ['pm', 'dev', 'qa', 'ops'] as const;
export const PROJECT_STATUSES = ['queued', ...STAGES, 'completed', 'failed'] as const;

export type ProjectType = (typeof PROJECT_TYPES)[number];
export type Stage = (typeof STAGES)[number];
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** The client's request body for POST /api/projects. Unknown fields are rejected. */
export const CreateProjectInput = z
  .strictObject({
    name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
    type: z.enum(PROJECT_TYPES),
    description: z
      .string()
      .trim()
      .min(1, 'description must not be empty')
      .max(4000, 'description must be at most 4000 characters'),
  })
  .meta({ id: 'CreateProjectInput' });
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

export const StageRecord = z
  .object({
    stage: z.enum(STAGES),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime().optional(),
    durationMs: z.number().int().nonnegative().optional(),
    attempts: z.number().int().positive(),
    provider: z.string().optional().describe('Model provider and model that ran the stage.'),
    error: z.string().optional(),
    outcome: z
      .enum(['changes_requested'])
      .optional()
      .describe('QA only: the review sent the project back to Dev.'),
    tokens: z.object({ input: z.number().int(), output: z.number().int() }).optional(),
  })
  .meta({ id: 'StageRecord' });
export type StageRecord = z.infer<typeof StageRecord>;

export const Project = z
  .object({
    id: z.string(),
    clientId: z.string(),
    name: z.string(),
    type: z.enum(PROJECT_TYPES),
    description: z.string(),
    status: z.enum(PROJECT_STATUSES),
    stage: z.enum(STAGES).nullable().describe('The stage working on the project now, if any.'),
    version: z.number().int().nonnegative(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    failure: z.object({ stage: z.enum(STAGES), reason: z.string() }).optional(),
    history: z.array(StageRecord),
    canary: z
      .literal(true)
      .optional()
      .describe('A canary project: outside quotas, never run by the pipeline, deleted after a day.'),
  })
  .meta({ id: 'Project' });
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

export const Artifact = z
  .object({
    name: z.string(),
    stage: z.enum(STAGES),
    contentType: z.string(),
    size: z.number().int().nonnegative(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Artifact' });
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
