/**
 * The recovery operations the CLI's `backup status` and `restore object` run against a deployed
 * environment (AWS SDK clients in, plans and results out). The CLI reaches adapters only through
 * composition (test/architecture/layers.test.ts).
 */
export {
  applyObjectRestore,
  type BackupStatus,
  backupStatus,
  findArtifactBucket,
  listVersions,
  type ObjectRestorePlan,
  planObjectRestore,
  RecoveryError,
} from '../adapters/aws/recovery.ts';
