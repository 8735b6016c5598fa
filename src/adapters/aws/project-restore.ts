import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { keys } from '../dynamodb/tables.ts';
import {
  applyObjectRestore,
  type ObjectRestorePlan,
  objectVersionPages,
  planObjectRestore,
  RecoveryError,
} from './recovery.ts';

// `agenticai restore project` (R7.5): one client's project and its artifacts as they were before
// a time. DynamoDB restores whole tables only, so the project item comes from a table restored to a
// point before that time (`restore table --to-time`, or a drill's kept scratch table) and is
// written back into the table in use with a condition; the artifacts come from the bucket's
// versions, through the same plan as `restore object`.

type Item = Record<string, AttributeValue>;

interface ProjectSummary {
  version: number | null;
  status: string | null;
  updatedAt: string | null;
}
const summary = (item: Item): ProjectSummary => ({
  version: item.version?.N ? Number(item.version.N) : null,
  status: item.status?.S ?? null,
  updatedAt: item.updatedAt?.S ?? null,
});

export interface ArtifactRestore {
  key: string;
  action: ObjectRestorePlan['action'] | 'keep';
  reason: string;
  plan?: ObjectRestorePlan;
}

export interface ProjectRestorePlan {
  clientId: string;
  projectId: string;
  before: string;
  fromTable: string;
  /** The point in time `fromTable` holds. */
  restorePoint: string;
  targetTable: string;
  /** `recreate`: the project is gone; `replace`: it changed since; `none`: it is as it was. */
  action: 'recreate' | 'replace' | 'none';
  restored: ProjectSummary;
  current: ProjectSummary | null;
  artifacts: ArtifactRestore[];
  /** The item written back (internal; not printed). */
  item: Item;
}

/** Every key under a prefix that has versions or delete markers (every page). */
async function keysUnder(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  for await (const page of objectVersionPages(s3, bucket, prefix))
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) if (v.Key) found.add(v.Key);
  return [...found].sort();
}

/** The item without what must not come back: the lease of a worker long gone. */
function writable(item: Item, currentVersion: number | null): Item {
  const { lease: _lease, ...rest } = item;
  // A version above the current one: a worker still holding the newer state fails its conditional
  // save and reloads, instead of overwriting the restored project.
  const version =
    Math.max(Number(item.version?.N ?? 0), currentVersion ?? 0) + (currentVersion === null ? 0 : 1);
  return { ...rest, version: { N: String(version) } };
}

const sameContent = (a: Item, b: Item) => {
  const strip = ({ lease: _l, version: _v, ...rest }: Item) =>
    JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([x], [y]) => x.localeCompare(y))));
  return strip(a) === strip(b);
};

export async function planProjectRestore(
  clients: { dynamo: DynamoDBClient; s3: S3Client },
  opts: {
    clientId: string;
    projectId: string;
    before: Date;
    fromTable: string;
    targetTable: string;
    bucket: string;
  },
): Promise<ProjectRestorePlan> {
  const { dynamo, s3 } = clients;
  if (opts.fromTable === opts.targetTable)
    throw new RecoveryError(`--from-table is the table in use (${opts.targetTable}); name a restored table`);
  let from: TableDescription | undefined;
  try {
    from = (await dynamo.send(new DescribeTableCommand({ TableName: opts.fromTable }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException')
      throw new RecoveryError(
        `no table ${opts.fromTable}; restore one first: agenticai restore table --to-time <a time before ${opts.before.toISOString()}> --apply`,
      );
    throw error;
  }
  const point = from?.RestoreSummary?.RestoreDateTime;
  if (!point)
    throw new RecoveryError(
      `${opts.fromTable} is not a restored table (no restore summary), so it does not show a past state`,
    );
  if (point.getTime() > opts.before.getTime())
    throw new RecoveryError(
      `${opts.fromTable} holds ${point.toISOString()}, after --before ${opts.before.toISOString()}; restore a table to a time before it`,
    );
  if (from?.TableStatus !== 'ACTIVE')
    throw new RecoveryError(`${opts.fromTable} is ${from?.TableStatus}; wait until the restore is ACTIVE`);
  const Key = { PK: { S: keys.client(opts.clientId) }, SK: { S: keys.project(opts.projectId) } };
  const [restored, current] = await Promise.all([
    dynamo.send(new GetItemCommand({ TableName: opts.fromTable, Key, ConsistentRead: true })),
    dynamo.send(new GetItemCommand({ TableName: opts.targetTable, Key, ConsistentRead: true })),
  ]);
  if (!restored.Item)
    throw new RecoveryError(
      `project ${opts.projectId} of client ${opts.clientId} is not in ${opts.fromTable} (it did not exist at ${point.toISOString()}, or the ids are wrong)`,
    );
  const currentSummary = current.Item ? summary(current.Item) : null;
  const action = !current.Item ? 'recreate' : sameContent(restored.Item, current.Item) ? 'none' : 'replace';
  const artifacts: ArtifactRestore[] = [];
  for (const key of await keysUnder(s3, opts.bucket, `projects/${opts.clientId}/${opts.projectId}/`)) {
    try {
      const plan = await planObjectRestore(s3, opts.bucket, key, { before: opts.before });
      artifacts.push({ key, action: plan.action, reason: plan.reason, plan });
    } catch (error) {
      if ((error as Error).name !== 'RecoveryError') throw error;
      // Written after the time: it did not exist then. Kept (a restore never deletes data).
      artifacts.push({ key, action: 'keep', reason: `${(error as Error).message}; kept as it is` });
    }
  }
  return {
    clientId: opts.clientId,
    projectId: opts.projectId,
    before: opts.before.toISOString(),
    fromTable: opts.fromTable,
    restorePoint: point.toISOString(),
    targetTable: opts.targetTable,
    action,
    restored: summary(restored.Item),
    current: currentSummary,
    artifacts,
    item: writable(restored.Item, currentSummary?.version ?? null),
  };
}

/**
 * The project item first, written only if the live item is still the one planned (absent for a
 * recreate, the same version for a replace): anything newer in between is refused and nothing at
 * all is changed. Then the artifacts, each a new current version (their history keeps the newer
 * ones); if one fails, running the command again finds the item done and copies the rest.
 */
export async function applyProjectRestore(
  clients: { dynamo: DynamoDBClient; s3: S3Client },
  plan: ProjectRestorePlan,
): Promise<void> {
  if (plan.action !== 'none') await writeProject(clients.dynamo, plan);
  for (const a of plan.artifacts)
    if (a.plan && a.plan.action !== 'none') await applyObjectRestore(clients.s3, a.plan);
}

async function writeProject(dynamo: DynamoDBClient, plan: ProjectRestorePlan): Promise<void> {
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: plan.targetTable,
        Item: plan.item,
        ...(plan.action === 'recreate'
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :seen',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':seen': { N: String(plan.current?.version ?? 0) } },
            }),
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException')
      throw new RecoveryError(
        `project ${plan.projectId} changed while restoring (it is no longer ${plan.current ? `version ${plan.current.version}` : 'absent'}); nothing was changed: run the command again to see the new plan`,
      );
    throw error;
  }
}
