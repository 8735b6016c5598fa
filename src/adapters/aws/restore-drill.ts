import { isDeepStrictEqual } from 'node:util';
import {
  type AttributeValue,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { parseRestoreDrillRecord, type RestoreDrillRecord } from '../../domain/restore-drill.ts';
import { resourceNames } from '../../naming.ts';
import { RecoveryError } from './recovery.ts';
import {
  planTableRestore,
  RESTORE_POLL_MS,
  type RecoveryClock,
  restoreWindow,
  startTableRestore,
  waitForTable,
} from './table-restore.ts';

// `agenticai drill restore` (R7.5): restore the data table into a scratch table, check it against
// the source, measure RTO and RPO, record the result, delete the scratch table.
//
// Comparing a restore with a live table is only sound for one moment: the source keeps changing
// (the canary alone writes every few minutes). So the drill first takes a snapshot of the source —
// its item count and a sample of items, read twice-counted so no write slipped in between — and
// restores exactly that moment (after waiting for point-in-time recovery to cover it). The
// restored table must then have the same count and the same sample, attribute by attribute.

type Item = Record<string, AttributeValue>;

/** Items the drill reads from both tables: the first N keys of a scan (deterministic for a table). */
export const DRILL_SAMPLE_SIZE = 25;
/** Snapshots retried when the source changed while it was being counted. */
const SNAPSHOT_ATTEMPTS = 3;

/** Scan with Select COUNT, every page (a big table pages at 1 MB: LastEvaluatedKey). */
export async function countItems(dynamo: DynamoDBClient, table: string): Promise<number> {
  let count = 0;
  let start: Item | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start, ConsistentRead: true }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Sets come back in any order: sort them so equal items compare equal. */
function normalize(value: AttributeValue): unknown {
  if (value.SS) return { SS: [...value.SS].sort() };
  if (value.NS) return { NS: [...value.NS].sort() };
  if (value.BS) return { BS: [...value.BS].map((b) => Buffer.from(b).toString('base64')).sort() };
  if (value.B) return { B: Buffer.from(value.B).toString('base64') };
  if (value.M) return { M: normalizeItem(value.M) };
  if (value.L) return { L: value.L.map(normalize) };
  return value;
}
const normalizeItem = (item: Item) =>
  Object.fromEntries(
    Object.keys(item)
      .sort()
      .map((k) => [k, normalize(item[k]!)]),
  );

/** The attributes that differ between two items (both undefined: equal; one: the whole item). */
export function differingAttributes(a: Item | undefined, b: Item | undefined): string[] {
  if (!a || !b) return a === b ? [] : ['(item missing)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !isDeepStrictEqual(a[k] && normalize(a[k]), b[k] && normalize(b[k])));
}

async function keyNames(dynamo: DynamoDBClient, table: string): Promise<string[]> {
  const t = (await dynamo.send(new DescribeTableCommand({ TableName: table }))).Table;
  const names = (t?.KeySchema ?? []).map((k) => k.AttributeName!).filter(Boolean);
  if (names.length === 0) throw new RecoveryError(`table ${table} has no key schema (does it exist?)`);
  return names;
}

interface Snapshot {
  at: Date;
  count: number;
  sample: { key: Item; item: Item | undefined }[];
}

async function snapshot(
  dynamo: DynamoDBClient,
  table: string,
  keys: string[],
  size: number,
  clock: RecoveryClock,
): Promise<Snapshot> {
  for (let attempt = 1; attempt <= SNAPSHOT_ATTEMPTS; attempt++) {
    const before = await countItems(dynamo, table);
    const page = await dynamo.send(
      new ScanCommand({
        TableName: table,
        Limit: size,
        ProjectionExpression: keys.map((_, i) => `#k${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])),
        ConsistentRead: true,
      }),
    );
    const sample = [];
    for (const key of page.Items ?? []) {
      const got = await dynamo.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
      sample.push({ key, item: got.Item });
    }
    const after = await countItems(dynamo, table);
    // The moment restored: after the reads, so every write they saw is in the restore.
    const at = clock.now();
    if (before === after) return { at, count: after, sample };
  }
  throw new RecoveryError(
    `${table} kept changing while the drill counted it (${SNAPSHOT_ATTEMPTS} attempts); run the drill when it is quieter`,
  );
}

export interface DrillOutcome {
  record: RestoreDrillRecord;
  scratchTable: string;
  /** What happened to the scratch table: deleted, kept (--keep), never created, or why deleting it failed. */
  cleanup: 'deleted' | 'kept' | 'not created' | `failed: ${string}`;
  /** Sample items that differ, with the attributes that differ. */
  mismatches: { key: Item; attributes: string[] }[];
}

export interface DrillOptions {
  source: string;
  scratch: string;
  keep: boolean;
  clock: RecoveryClock;
  onProgress: (line: string) => void;
  sampleSize?: number;
  signal?: AbortSignal;
}

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** Runs the drill end to end; the scratch table is deleted (unless kept) whatever happens. */
export async function runRestoreDrill(dynamo: DynamoDBClient, opts: DrillOptions): Promise<DrillOutcome> {
  const { clock, onProgress } = opts;
  const startedAt = clock.now();
  const m = {
    requestedAt: undefined as Date | undefined,
    restoredTo: undefined as Date | undefined,
    itemsSource: 0,
    itemsRestored: 0,
    sampleSize: 0,
    mismatches: [] as DrillOutcome['mismatches'],
  };
  let created = false;
  let result: 'pass' | 'fail' = 'fail';
  let reason: string | undefined;
  let verifiedAt: Date | undefined;
  let cleanup: DrillOutcome['cleanup'] = 'not created';
  try {
    const keys = await keyNames(dynamo, opts.source);
    const snap = await snapshot(dynamo, opts.source, keys, opts.sampleSize ?? DRILL_SAMPLE_SIZE, clock);
    m.itemsSource = snap.count;
    m.sampleSize = snap.sample.length;
    m.restoredTo = snap.at;
    onProgress(
      `Snapshot of ${opts.source} at ${snap.at.toISOString()}: ${snap.count} items, ${snap.sample.length} sampled.`,
    );
    // Point-in-time recovery lags a few minutes: restore the snapshot's moment once it is covered.
    for (;;) {
      const window = await restoreWindow(dynamo, opts.source);
      if (window.latest.getTime() >= snap.at.getTime()) break;
      onProgress(
        `  waiting for point-in-time recovery to reach ${snap.at.toISOString()} (now ${window.latest.toISOString()})`,
      );
      await clock.sleep(RESTORE_POLL_MS, opts.signal);
    }
    const plan = await planTableRestore(dynamo, {
      source: opts.source,
      target: opts.scratch,
      toTime: snap.at,
      now: clock.now(),
    });
    if (plan.action !== 'restore') throw new RecoveryError(`scratch table ${opts.scratch} already exists`);
    m.requestedAt = clock.now();
    await startTableRestore(dynamo, plan);
    created = true;
    onProgress(`Restoring into ${opts.scratch}…`);
    const table = await waitForTable(dynamo, opts.scratch, {
      clock,
      signal: opts.signal,
      onProgress: (p) => onProgress(`  ${opts.scratch}: ${p.status}, ${p.elapsedSeconds} s elapsed`),
    });
    m.restoredTo = table.RestoreSummary?.RestoreDateTime ?? snap.at;
    m.itemsRestored = await countItems(dynamo, opts.scratch);
    for (const { key, item } of snap.sample) {
      const got = await dynamo.send(
        new GetItemCommand({ TableName: opts.scratch, Key: key, ConsistentRead: true }),
      );
      const attributes = differingAttributes(item, got.Item);
      if (attributes.length > 0) m.mismatches.push({ key, attributes });
    }
    verifiedAt = clock.now();
    const problems = [
      ...(m.itemsRestored !== m.itemsSource
        ? [
            `item count ${m.itemsRestored} restored vs ${m.itemsSource} in the source at ${snap.at.toISOString()}`,
          ]
        : []),
      ...(m.mismatches.length > 0 ? [`${m.mismatches.length} of ${m.sampleSize} sampled items differ`] : []),
    ];
    result = problems.length === 0 ? 'pass' : 'fail';
    reason = problems.length > 0 ? problems.join('; ') : undefined;
  } catch (error) {
    reason = `${(error as Error).name === 'RestoreInterrupted' ? 'interrupted' : 'failed'}: ${(error as Error).message}`;
  } finally {
    if (opts.keep && created) cleanup = 'kept';
    else if (created || (await exists(dynamo, opts.scratch).catch(() => false))) {
      try {
        await dynamo.send(new DeleteTableCommand({ TableName: opts.scratch }));
        cleanup = 'deleted';
      } catch (error) {
        const { name, message } = error as Error;
        cleanup =
          name === 'ResourceNotFoundException'
            ? 'not created'
            : name === 'ResourceInUseException'
              ? // AWS refuses to delete a table while it is being restored (an interrupted drill).
                `failed: it is still being restored (${name}); once it is ACTIVE: aws dynamodb delete-table --table-name ${opts.scratch}`
              : `failed: ${name}: ${message}`;
      }
    }
  }
  const finishedAt = clock.now();
  const record: RestoreDrillRecord = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    result,
    ...(reason && { reason }),
    sourceTable: opts.source,
    restoredToTime: (m.restoredTo ?? startedAt).toISOString(),
    // RTO: restore requested → restored table verified (to the failure, for a failed drill).
    rtoSeconds: m.requestedAt ? seconds(m.requestedAt, verifiedAt ?? finishedAt) : 0,
    // RPO: how far behind the moment of the request the restored data is.
    rpoSeconds: m.requestedAt && m.restoredTo ? seconds(m.restoredTo, m.requestedAt) : 0,
    itemsSource: m.itemsSource,
    itemsRestored: m.itemsRestored,
    sampleSize: m.sampleSize,
    sampleMismatches: m.mismatches.length,
  };
  return { record, scratchTable: opts.scratch, cleanup, mismatches: m.mismatches };
}

async function exists(dynamo: DynamoDBClient, table: string): Promise<boolean> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

/** Stores the drill's record where `backup status` and `readiness --live` read it. */
export async function recordDrill(ssm: SSMClient, env: string, record: RestoreDrillRecord): Promise<void> {
  await ssm.send(
    new PutParameterCommand({
      Name: resourceNames(env).restoreDrillParameter,
      Value: JSON.stringify(record),
      Type: 'String',
      // Without it, every drill after the first fails with ParameterAlreadyExists.
      Overwrite: true,
      Description: 'The last agenticai drill restore (src/domain/restore-drill.ts)',
    }),
  );
}

/** The last drill's record; undefined when none was recorded (or the parameter is not a record). */
export async function lastDrill(ssm: SSMClient, env: string): Promise<RestoreDrillRecord | undefined> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: resourceNames(env).restoreDrillParameter }));
    return parseRestoreDrillRecord(out.Parameter?.Value);
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}
