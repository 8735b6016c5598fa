import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COST_PROFILE_METADATA, type CostProfileMetadata } from '../domain/cost-profile.ts';
import { resourceNames } from '../naming.ts';

/** CloudFormation JSON as synthesized: untyped by nature, so checks read it with optional chaining. */
// biome-ignore lint/suspicious/noExplicitAny: a template has no static type; one alias instead of many anys
export type Json = any;

/** The parts of a CloudFormation template the checks read. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
  DeletionPolicy?: string;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Metadata?: Record<string, Json>;
}
export interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
  /** The region the stack deploys to, when the assembly names one (live checks call there). */
  region?: string;
}

/** A stack's region from its CDK environment, unless it is environment-agnostic. */
export const concreteRegion = (region: string | undefined) =>
  region && !region.startsWith('unknown-') && !region.includes('${') ? region : undefined;

/**
 * What the checks of one environment see: its own stacks (`agenticai-<env>` and any
 * `agenticai-<env>-<scope>`) and the shared stacks that belong to no environment (the account stack).
 */
export interface TemplateSet {
  env: string;
  stacks: StackTemplate[];
}

export interface Found {
  stack: string;
  logicalId: string;
  resource: CfnResource;
  /** `Properties`, never undefined. */
  props: Record<string, Json>;
}

export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

const envOfStack = (stackName: string) =>
  ENVIRONMENTS.find(
    (env) => stackName === resourceNames(env).stack || stackName.startsWith(`${resourceNames(env).stack}-`),
  );

/**
 * The template set of `env` among every stack of the app. Cross-stack references
 * (`Fn::ImportValue` of another stack's export) are replaced by the exported value, so a check
 * follows a reference the same way whether the app is one stack per environment or several.
 */
export function templateSetFor(env: string, stacks: StackTemplate[]): TemplateSet {
  const exports = new Map<string, unknown>();
  for (const stack of stacks)
    for (const output of Object.values((stack.template as { Outputs?: Record<string, Json> }).Outputs ?? {}))
      if (typeof output?.Export?.Name === 'string') exports.set(output.Export.Name, output.Value);
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const imported = (value as Record<string, unknown>)['Fn::ImportValue'];
    if (typeof imported === 'string' && exports.has(imported)) return resolve(exports.get(imported));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };
  return {
    env,
    stacks: stacks
      .filter((s) => envOfStack(s.stackName) === env || !envOfStack(s.stackName))
      .map((s) => (exports.size === 0 ? s : { ...s, template: resolve(s.template) as CfnTemplate })),
  };
}

/** Every resource of `type` in the set, in stack and logical-id order (deterministic). */
export function resourcesOf(set: TemplateSet, type: string): Found[] {
  return set.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([logicalId, resource]) => ({
        stack: stack.stackName,
        logicalId,
        resource,
        props: resource.Properties ?? {},
      })),
  );
}

export const allResources = (set: TemplateSet): Found[] =>
  set.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {}).map(([logicalId, resource]) => ({
      stack: stack.stackName,
      logicalId,
      resource,
      props: resource.Properties ?? {},
    })),
  );

/** Stacks of the environment itself, without the shared ones. */
export const ownStacks = (set: TemplateSet) => set.stacks.filter((s) => envOfStack(s.stackName) === set.env);

/** What the environment's cost profile gives up (its stack's template metadata), if it says. */
export function costProfileOf(set: TemplateSet): CostProfileMetadata | undefined {
  for (const stack of ownStacks(set)) {
    const meta = stack.template.Metadata?.[COST_PROFILE_METADATA] as CostProfileMetadata | undefined;
    if (meta) return meta;
  }
  return undefined;
}

/** Logical ids a value refers to (`Ref`, `Fn::GetAtt`), anywhere inside it. */
export function referencedIds(value: unknown): string[] {
  const ids: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        if (key === 'Ref' && typeof inner === 'string') ids.push(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string')
          ids.push(inner[0]);
        else walk(inner);
      }
    }
  };
  walk(value);
  return ids;
}

/** Physical-name properties: CDK writes an explicit name as a literal wherever it is used. */
const NAME_PROPS = ['TableName', 'QueueName', 'FunctionName', 'TopicName', 'BucketName', 'Name'] as const;

/** How other resources can point at `found`: `${ref:LogicalId}`, or its literal physical name. */
export function handlesOf(found: Found): string[] {
  return [
    `\${ref:${found.logicalId}}`,
    ...NAME_PROPS.map((p) => found.props[p]).filter((v): v is string => typeof v === 'string'),
  ];
}

/** Whether `value` (any template value) refers to `found`, by reference or by physical name. */
export function refersTo(value: unknown, found: Found): boolean {
  if (referencedIds(value).includes(found.logicalId)) return true;
  const names = handlesOf(found).slice(1);
  const strings: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return strings.some((s) => names.includes(s));
}

/** A template string, with `Fn::Join` parts that are references shown as `<ref>`. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  return join
    ? join[1].map((part) => (typeof part === 'string' ? part : '<ref>')).join(join[0])
    : JSON.stringify(value ?? '');
}

/** Reads every stack template of a cloud assembly directory (`cdk.out` of `npm run synth`). */
export function readCloudAssembly(dir: string): StackTemplate[] {
  let manifest: {
    artifacts?: Record<string, { type: string; environment?: string; properties?: Json }>;
  };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new Error(
      `cannot read a cloud assembly in ${dir} (${(error as Error).message}); run npm run synth first`,
    );
  }
  return Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]) => {
      // `aws://<account>/<region>`
      const region = concreteRegion(a.environment?.split('/')[3]);
      return {
        stackName: a.properties?.stackName ?? id,
        template: JSON.parse(readFileSync(join(dir, a.properties.templateFile), 'utf8')) as CfnTemplate,
        ...(region && { region }),
      };
    })
    .sort((a, b) => a.stackName.localeCompare(b.stackName));
}
