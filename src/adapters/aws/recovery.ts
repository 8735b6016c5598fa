import { type CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeContinuousBackupsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isArtifactBucketLogicalId, resourceNames } from '../../naming.ts';

// What an environment can be recovered from (R7.5): the data table's point-in-time recovery window
// and the artifact bucket's versions. docs/RECOVERY.md explains the commands built on this.

/** A recovery problem the operator can act on (the CLI prints it and exits 1). */
export class RecoveryError extends Error {
  override readonly name = 'RecoveryError';
}

/** The artifact bucket's name: CDK generates it, so it is read from the environment's stack. */
export async function findArtifactBucket(cfn: CloudFormationClient, env: string): Promise<string> {
  const stack = resourceNames(env).stack;
  let token: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stack, NextToken: token }));
    const bucket = page.StackResourceSummaries?.find(
      (r) => r.ResourceType === 'AWS::S3::Bucket' && isArtifactBucketLogicalId(r.LogicalResourceId ?? ''),
    );
    if (bucket?.PhysicalResourceId) return bucket.PhysicalResourceId;
    token = page.NextToken;
  } while (token);
  throw new RecoveryError(
    `stack ${stack} has no artifact bucket; is ${env} deployed here? (or pass --bucket)`,
  );
}

export interface BackupStatus {
  table: {
    name: string;
    pointInTimeRecovery: string;
    earliestRestorable: string | null;
    latestRestorable: string | null;
    recoveryPeriodDays: number | null;
  };
  bucket: { name: string; versioning: string; noncurrentExpirationDays: number | null };
}

/** `tableName`: the data table in use (`findDataTable`: the stack's own, or a restored one). */
export async function backupStatus(
  clients: { dynamo: DynamoDBClient; s3: S3Client },
  tableName: string,
  bucket: string,
): Promise<BackupStatus> {
  const [continuous, versioning, lifecycle] = await Promise.all([
    clients.dynamo.send(new DescribeContinuousBackupsCommand({ TableName: tableName })),
    clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket })),
    clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })).catch((error: Error) => {
      // A bucket without lifecycle rules answers with this error, not an empty list.
      if (error.name === 'NoSuchLifecycleConfiguration') return { Rules: [] };
      throw error;
    }),
  ]);
  const pitr = continuous.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  const noncurrentDays = (lifecycle.Rules ?? [])
    .filter((r) => r.Status !== 'Disabled')
    .map((r) => r.NoncurrentVersionExpiration?.NoncurrentDays)
    .filter((d): d is number => typeof d === 'number');
  return {
    table: {
      name: tableName,
      pointInTimeRecovery: pitr?.PointInTimeRecoveryStatus ?? 'DISABLED',
      earliestRestorable: pitr?.EarliestRestorableDateTime?.toISOString() ?? null,
      latestRestorable: pitr?.LatestRestorableDateTime?.toISOString() ?? null,
      recoveryPeriodDays: pitr?.RecoveryPeriodInDays ?? null,
    },
    bucket: {
      name: bucket,
      // A bucket whose versioning was never enabled has no Status at all.
      versioning: versioning.Status ?? 'Disabled',
      noncurrentExpirationDays: noncurrentDays.length > 0 ? Math.min(...noncurrentDays) : null,
    },
  };
}

interface Version {
  versionId: string;
  lastModified: Date;
  isLatest: boolean;
  deleteMarker: boolean;
  size?: number;
}

/**
 * Every page of ListObjectVersions under `prefix` (S3 has no SDK paginator for it): the key and
 * version-id markers carried from page to page.
 */
export async function* objectVersionPages(s3: S3Client, bucket: string, prefix: string) {
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    yield page;
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
}

/** Every version and delete marker of exactly `key` (a prefix listing also returns longer keys), newest first. */
export async function listVersions(s3: S3Client, bucket: string, key: string): Promise<Version[]> {
  const found: Version[] = [];
  for await (const page of objectVersionPages(s3, bucket, key)) {
    for (const v of page.Versions ?? [])
      if (v.Key === key && v.VersionId && v.LastModified)
        found.push({
          versionId: v.VersionId,
          lastModified: v.LastModified,
          isLatest: v.IsLatest === true,
          deleteMarker: false,
          size: v.Size,
        });
    for (const m of page.DeleteMarkers ?? [])
      if (m.Key === key && m.VersionId && m.LastModified)
        found.push({
          versionId: m.VersionId,
          lastModified: m.LastModified,
          isLatest: m.IsLatest === true,
          deleteMarker: true,
        });
  }
  // Newest first; the current one first among equal times.
  return found.sort(
    (a, b) => b.lastModified.getTime() - a.lastModified.getTime() || Number(b.isLatest) - Number(a.isLatest),
  );
}

export interface ObjectRestorePlan {
  action: 'copy' | 'undelete' | 'none';
  bucket: string;
  key: string;
  /** The version copied (copy), the version that becomes current again (undelete), or the current one. */
  versionId: string;
  lastModified: string;
  /** undelete: the delete markers removed, newest first (a key deleted twice has two). */
  deleteMarkers: string[];
  reason: string;
}

/**
 * What `restore object` would do: copy an older version onto the key (a new current version; the
 * history stays), or remove the delete marker that hides the key (undelete).
 */
export async function planObjectRestore(
  s3: S3Client,
  bucket: string,
  key: string,
  want: { version?: string; before?: Date },
): Promise<ObjectRestorePlan> {
  const versions = await listVersions(s3, bucket, key);
  if (versions.length === 0) throw new RecoveryError(`no versions of ${key} in bucket ${bucket}`);
  const current = versions.find((v) => v.isLatest);
  const at = (v: Version) => ({
    bucket,
    key,
    versionId: v.versionId,
    lastModified: v.lastModified.toISOString(),
    deleteMarkers: [] as string[],
  });
  let chosen: Version | undefined;
  if (want.version) {
    chosen = versions.find((v) => v.versionId === want.version);
    if (!chosen) throw new RecoveryError(`no version ${want.version} of ${key} in bucket ${bucket}`);
    if (chosen.deleteMarker)
      throw new RecoveryError(`version ${want.version} of ${key} is a delete marker, not content`);
  } else if (want.before) {
    const before = want.before;
    chosen = versions.find((v) => !v.deleteMarker && v.lastModified.getTime() < before.getTime());
    if (!chosen)
      throw new RecoveryError(`no version of ${key} before ${before.toISOString()} in bucket ${bucket}`);
  } else {
    if (!current?.deleteMarker)
      throw new RecoveryError(
        `${key} is not deleted; name --version-id or --before to restore an older version`,
      );
    // Every delete marker above the newest version goes, or the key stays deleted.
    const newest = versions.find((v) => !v.deleteMarker);
    if (!newest)
      throw new RecoveryError(`${key} has no version left to bring back (only delete markers; expired?)`);
    const markers = versions.filter((v) => v.deleteMarker && v.lastModified >= newest.lastModified);
    return {
      action: 'undelete',
      ...at(newest),
      deleteMarkers: markers.map((m) => m.versionId),
      reason: `remove the delete marker${markers.length > 1 ? 's' : ''} ${markers.map((m) => m.versionId).join(', ')}; version ${newest.versionId} becomes current again`,
    };
  }
  if (chosen.isLatest)
    return { action: 'none', ...at(chosen), reason: `version ${chosen.versionId} is already current` };
  return {
    action: 'copy',
    ...at(chosen),
    reason: `copy version ${chosen.versionId} onto ${key} as a new current version (the history is kept)`,
  };
}

export async function applyObjectRestore(s3: S3Client, plan: ObjectRestorePlan): Promise<string | undefined> {
  if (plan.action === 'copy') {
    const source = `${plan.bucket}/${encodeURIComponent(plan.key).replace(/%2F/g, '/')}`;
    const out = await s3.send(
      new CopyObjectCommand({
        Bucket: plan.bucket,
        Key: plan.key,
        CopySource: `${source}?versionId=${encodeURIComponent(plan.versionId)}`,
      }),
    );
    return out.VersionId;
  }
  if (plan.action === 'undelete') {
    for (const marker of plan.deleteMarkers)
      await s3.send(new DeleteObjectCommand({ Bucket: plan.bucket, Key: plan.key, VersionId: marker }));
  }
  return undefined;
}
