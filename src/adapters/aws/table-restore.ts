import { setTimeout as delay } from 'node:timers/promises';
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ListTagsOfResourceCommand,
  RestoreTableToPointInTimeCommand,
  type TableDescription,
  type Tag,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { resourceNames } from '../../naming.ts';
import { RecoveryError } from './recovery.ts';

// Point-in-time restore of the data table into a new table (`agenticai restore table`, R7.5), and
// what a restore does not copy: TTL, point-in-time recovery, tags, deletion protection (streams,
// auto scaling, alarms and IAM neither: the stack has no stream or auto scaling, and alarms and IAM
// follow the environment's `dataTableName` switch). docs/RECOVERY.md describes the procedure.

/** Time and waiting, injected so the long waits of a restore are testable without real time. */
export interface RecoveryClock {
  now(): Date;
  /** Rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The clock the CLI uses; tests replace its methods (vi.spyOn) to run a multi-hour restore instantly. */
export const recoveryClock: RecoveryClock = {
  now: () => new Date(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }),
};

/** How often a restore is polled (DescribeTable): a restore takes minutes to hours. */
export const RESTORE_POLL_MS = 30_000;

/**
 * The data table the environment's functions use: the stack's `DataTableName` output (the stack's
 * own table, or a restored one after a switch), else the default name (a stack deployed before the
 * output existed, or none: the table calls then say what is missing).
 */
export async function findDataTable(cfn: CloudFormationClient, env: string): Promise<string> {
  const names = resourceNames(env);
  let out: DescribeStacksCommandOutput | undefined;
  try {
    out = await cfn.send(new DescribeStacksCommand({ StackName: names.stack }));
  } catch (error) {
    // No stack: the table calls that follow name what is missing.
    if (!((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)))
      throw error;
  }
  const value = out?.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === names.dataTableOutput)?.OutputValue;
  return value ?? names.dataTable;
}

export interface RestoreWindow {
  earliest: Date;
  latest: Date;
  recoveryPeriodDays: number | null;
}

/** The source's restorable window; an error the operator can act on when PITR is off. */
export async function restoreWindow(dynamo: DynamoDBClient, table: string): Promise<RestoreWindow> {
  const out = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: table }));
  const pitr = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (
    pitr?.PointInTimeRecoveryStatus !== 'ENABLED' ||
    !pitr.EarliestRestorableDateTime ||
    !pitr.LatestRestorableDateTime
  )
    throw new RecoveryError(
      `point-in-time recovery is ${pitr?.PointInTimeRecoveryStatus ?? 'DISABLED'} on ${table}: there is nothing to restore from`,
    );
  return {
    earliest: pitr.EarliestRestorableDateTime,
    latest: pitr.LatestRestorableDateTime,
    recoveryPeriodDays: pitr.RecoveryPeriodInDays ?? null,
  };
}

/**
 * The time to restore: inside the window as asked; between the latest restorable time (about five
 * minutes behind now) and now, the latest restorable time, said so; before the window or in the
 * future, refused.
 */
export function clampToWindow(
  wanted: Date,
  window: RestoreWindow,
  now: Date,
): { at: Date; note: string | null } {
  const range = `${window.earliest.toISOString()} .. ${window.latest.toISOString()}`;
  if (wanted.getTime() < window.earliest.getTime())
    throw new RecoveryError(
      `${wanted.toISOString()} is before the restorable window (${range}); the oldest point is ${window.earliest.toISOString()}`,
    );
  if (wanted.getTime() > now.getTime())
    throw new RecoveryError(`${wanted.toISOString()} is in the future (restorable window ${range})`);
  if (wanted.getTime() > window.latest.getTime())
    return {
      at: window.latest,
      note: `${wanted.toISOString()} is after the latest restorable time (DynamoDB lags a few minutes); restoring ${window.latest.toISOString()}`,
    };
  return { at: wanted, note: null };
}

/** What a restore re-applies to the new table, read from the source. */
export interface Reapply {
  ttlAttribute: string | null;
  pitrRecoveryPeriodDays: number | null;
  tags: Tag[];
  deletionProtection: boolean;
}

export interface TableRestorePlan {
  /** `restore`: a new table; `resume`: the target is already a restore of the source (wait, re-apply). */
  action: 'restore' | 'resume';
  sourceTable: string;
  sourceArn: string;
  targetTable: string;
  requestedTime: string;
  restoreTime: string;
  note: string | null;
  window: { earliest: string; latest: string; recoveryPeriodDays: number | null };
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  provisioned: { read: number; write: number } | null;
  /** The source's customer- or AWS-managed KMS key; null for DynamoDB's own key. */
  kmsKeyArn: string | null;
  indexes: string[];
  reapply: Reapply;
  /** What neither the restore nor this command carries over, for the operator to do by hand. */
  byHand: string[];
}

async function describe(dynamo: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function allTags(dynamo: DynamoDBClient, arn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  let token: string | undefined;
  do {
    const page = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: token }));
    tags.push(...(page.Tags ?? []));
    token = page.NextToken;
  } while (token);
  return tags;
}

export async function planTableRestore(
  dynamo: DynamoDBClient,
  opts: { source: string; target: string; toTime: Date; now: Date },
): Promise<TableRestorePlan> {
  const source = await describe(dynamo, opts.source);
  if (!source?.TableArn)
    throw new RecoveryError(`no table ${opts.source}: is the environment deployed here?`);
  const window = await restoreWindow(dynamo, opts.source);
  const { at, note } = clampToWindow(opts.toTime, window, opts.now);
  const existing = await describe(dynamo, opts.target);
  const resuming = existing?.RestoreSummary?.SourceTableArn === source.TableArn;
  if (existing && !resuming)
    throw new RecoveryError(
      `table ${opts.target} already exists and is not a restore of ${opts.source}; choose another --target-name (a restore never overwrites a table)`,
    );
  const [ttl, tags] = await Promise.all([
    dynamo.send(new DescribeTimeToLiveCommand({ TableName: opts.source })),
    allTags(dynamo, source.TableArn),
  ]);
  const ttlOn = ['ENABLED', 'ENABLING'].includes(ttl.TimeToLiveDescription?.TimeToLiveStatus ?? '');
  const billing =
    source.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  const sse = source.SSEDescription;
  const byHand: string[] = [];
  if (source.StreamSpecification?.StreamEnabled)
    byHand.push(`the stream (${source.StreamSpecification.StreamViewType}): enable it on the new table`);
  if (billing === 'PROVISIONED')
    byHand.push('auto scaling of the provisioned capacity, if the source had any');
  return {
    action: resuming ? 'resume' : 'restore',
    sourceTable: opts.source,
    sourceArn: source.TableArn,
    targetTable: opts.target,
    requestedTime: opts.toTime.toISOString(),
    restoreTime:
      resuming && existing?.RestoreSummary?.RestoreDateTime
        ? existing.RestoreSummary.RestoreDateTime.toISOString()
        : at.toISOString(),
    note,
    window: {
      earliest: window.earliest.toISOString(),
      latest: window.latest.toISOString(),
      recoveryPeriodDays: window.recoveryPeriodDays,
    },
    billingMode: billing,
    provisioned:
      billing === 'PROVISIONED'
        ? {
            read: Number(source.ProvisionedThroughput?.ReadCapacityUnits ?? 1),
            write: Number(source.ProvisionedThroughput?.WriteCapacityUnits ?? 1),
          }
        : null,
    kmsKeyArn: sse?.Status === 'ENABLED' && sse.SSEType === 'KMS' ? (sse.KMSMasterKeyArn ?? null) : null,
    indexes: (source.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!).filter(Boolean),
    reapply: {
      ttlAttribute: ttlOn ? (ttl.TimeToLiveDescription?.AttributeName ?? null) : null,
      pitrRecoveryPeriodDays: window.recoveryPeriodDays ?? 35,
      tags,
      deletionProtection: source.DeletionProtectionEnabled === true,
    },
    byHand,
  };
}

/**
 * Starts the restore. The GSIs and the encryption settings (the source's KMS key included) come
 * with it: DynamoDB copies them from the source, and an explicit SSE override would be wrong for
 * the AWS-managed key ("only provide KMSMasterKeyId if it differs from alias/aws/dynamodb").
 * The billing mode is set explicitly, so an on-demand source never yields a provisioned copy.
 */
export async function startTableRestore(dynamo: DynamoDBClient, plan: TableRestorePlan): Promise<void> {
  try {
    await dynamo.send(
      new RestoreTableToPointInTimeCommand({
        SourceTableName: plan.sourceTable,
        TargetTableName: plan.targetTable,
        RestoreDateTime: new Date(plan.restoreTime),
        BillingModeOverride: plan.billingMode,
        ...(plan.provisioned && {
          ProvisionedThroughputOverride: {
            ReadCapacityUnits: plan.provisioned.read,
            WriteCapacityUnits: plan.provisioned.write,
          },
        }),
      }),
    );
  } catch (error) {
    throw restoreRefused(error as Error, plan);
  }
}

/** DynamoDB's refusals of a restore, as what to do. */
function restoreRefused(error: Error, plan: TableRestorePlan): Error {
  switch (error.name) {
    case 'TableAlreadyExistsException':
      return new RecoveryError(
        `table ${plan.targetTable} already exists; choose another --target-name (a restore never overwrites a table)`,
      );
    case 'LimitExceededException':
      return new RecoveryError(
        `DynamoDB refused the restore: too many table operations under way in this account (${error.message}); wait for them to finish and run the command again`,
      );
    case 'InvalidRestoreTimeException':
      return new RecoveryError(
        `${plan.restoreTime} is outside the restorable window of ${plan.sourceTable} (${error.message}); see \`agenticai backup status\``,
      );
    case 'PointInTimeRecoveryUnavailableException':
      return new RecoveryError(
        `point-in-time recovery is not available on ${plan.sourceTable} (${error.message})`,
      );
    default:
      return error;
  }
}

export interface RestoreProgress {
  status: string;
  elapsedSeconds: number;
  /** Indexes not yet ACTIVE. */
  pendingIndexes: string[];
}

/** A wait the operator stopped (Ctrl-C): the restore goes on in AWS. */
export class RestoreInterrupted extends Error {
  override readonly name = 'RestoreInterrupted';
}

/**
 * Polls DescribeTable until the table and its indexes are ACTIVE and the restore is finished,
 * reporting each poll; `signal` stops the wait (never the restore: AWS cannot cancel one).
 */
export async function waitForTable(
  dynamo: DynamoDBClient,
  table: string,
  opts: {
    clock: RecoveryClock;
    onProgress: (p: RestoreProgress) => void;
    signal?: AbortSignal;
    pollMs?: number;
  },
): Promise<TableDescription> {
  const started = opts.clock.now().getTime();
  for (;;) {
    if (opts.signal?.aborted) throw new RestoreInterrupted(`stopped waiting for ${table}`);
    const t = await describe(dynamo, table);
    if (!t) throw new RecoveryError(`table ${table} disappeared while restoring (deleted by someone?)`);
    const pendingIndexes = (t.GlobalSecondaryIndexes ?? [])
      .filter((i) => i.IndexStatus !== 'ACTIVE')
      .map((i) => i.IndexName ?? '?');
    const elapsedSeconds = Math.round((opts.clock.now().getTime() - started) / 1000);
    opts.onProgress({ status: t.TableStatus ?? 'UNKNOWN', elapsedSeconds, pendingIndexes });
    if (
      t.TableStatus === 'ACTIVE' &&
      pendingIndexes.length === 0 &&
      t.RestoreSummary?.RestoreInProgress !== true
    )
      return t;
    if (t.TableStatus !== 'CREATING' && t.TableStatus !== 'UPDATING' && t.TableStatus !== 'ACTIVE')
      throw new RecoveryError(`table ${table} is ${t.TableStatus} instead of becoming ACTIVE`);
    try {
      await opts.clock.sleep(opts.pollMs ?? RESTORE_POLL_MS, opts.signal);
    } catch (error) {
      if ((error as Error).name === 'AbortError')
        throw new RestoreInterrupted(`stopped waiting for ${table}`);
      throw error;
    }
  }
}

/** Re-applies what a restore does not copy; returns one line per setting applied. */
export async function reapplySettings(
  dynamo: DynamoDBClient,
  table: TableDescription,
  reapply: Reapply,
): Promise<string[]> {
  const name = table.TableName!;
  const done: string[] = [];
  if (reapply.tags.length > 0) {
    // TagResource takes at most 50 tags per call.
    for (let i = 0; i < reapply.tags.length; i += 50)
      await dynamo.send(
        new TagResourceCommand({ ResourceArn: table.TableArn, Tags: reapply.tags.slice(i, i + 50) }),
      );
    done.push(`tags: ${reapply.tags.map((t) => `${t.Key}=${t.Value}`).join(', ')}`);
  }
  // UpdateTimeToLive refuses to enable TTL that is already on (a resumed restore re-applies).
  const ttlNow = reapply.ttlAttribute
    ? (await dynamo.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription
    : undefined;
  const ttlDone =
    ['ENABLED', 'ENABLING'].includes(ttlNow?.TimeToLiveStatus ?? '') &&
    ttlNow?.AttributeName === reapply.ttlAttribute;
  if (reapply.ttlAttribute && ttlDone) done.push(`TTL on attribute ${reapply.ttlAttribute} (already on)`);
  else if (reapply.ttlAttribute) {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: reapply.ttlAttribute },
      }),
    );
    done.push(`TTL on attribute ${reapply.ttlAttribute}`);
  }
  if (reapply.pitrRecoveryPeriodDays !== null) {
    await dynamo.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: {
          PointInTimeRecoveryEnabled: true,
          RecoveryPeriodInDays: reapply.pitrRecoveryPeriodDays,
        },
      }),
    );
    done.push(`point-in-time recovery, ${reapply.pitrRecoveryPeriodDays} days`);
  }
  if (reapply.deletionProtection) {
    await dynamo.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }));
    done.push('deletion protection');
  }
  return done;
}
