/**
 * The recovery operations the CLI's `backup status`, `restore object|table|project` and `drill
 * restore` run against a deployed environment (AWS SDK clients in, plans and results out). The CLI
 * reaches adapters only through composition (test/architecture/layers.test.ts).
 */

export {
  applyProjectRestore,
  type ProjectRestorePlan,
  planProjectRestore,
} from '../adapters/aws/project-restore.ts';
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
export {
  countItems,
  DRILL_SAMPLE_SIZE,
  type DrillOutcome,
  lastDrill,
  recordDrill,
  runRestoreDrill,
} from '../adapters/aws/restore-drill.ts';
export {
  findDataTable,
  planTableRestore,
  type RecoveryClock,
  RestoreInterrupted,
  type RestoreProgress,
  reapplySettings,
  recoveryClock,
  startTableRestore,
  type TableRestorePlan,
  waitForTable,
} from '../adapters/aws/table-restore.ts';
