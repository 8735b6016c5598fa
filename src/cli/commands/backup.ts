import type { Command } from 'commander';
import { awsClientConfig } from '../../composition/admin.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput, table } from '../output.ts';

// The configuration, the store and the AWS SDK load inside the actions, so `agenticai --help` stays quick.
const loadConfig = async () => (await import('../../config.ts')).loadConfig();

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Local commands refuse --env: a deployed environment's backups are AWS's (see `backup status`). */
function localOnly(globals: GlobalOptions, command: string) {
  if (globals.env && globals.env !== 'local')
    throw new CliError(
      `${command} backs up the local data dir; for ${globals.env} see \`agenticai backup status --env ${globals.env}\` and docs/RECOVERY.md`,
      EXIT.usage,
    );
}

/** BackupError is a problem the user can act on: one line, exit 1. */
async function backupErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error && error.name === 'BackupError') throw new CliError(error.message);
    throw error;
  }
}

export function registerBackup(program: Command) {
  const backup = program
    .command('backup')
    .description('back up and restore the local data dir; --env X status shows AWS backups');

  backup
    .command('create')
    .description('back up the local data dir (store, artifacts, pepper), also while the server runs')
    .option('--to <dir>', 'where to write the backup (default: <dataDir>/backups/<timestamp>)')
    .action(async (opts: { to?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      localOnly(globals, 'backup create');
      const { createBackup } = await import('../../composition/local-backup.ts');
      const config = await loadConfig();
      const { dir, manifest } = await backupErrors(() => createBackup(config, { to: opts.to }));
      createOutput(globals.json).print(
        `Backed up ${manifest.tables.data.items} items, ${manifest.artifacts} artifacts (${kib(manifest.bytes)}) to ${dir}`,
        { dir, ...manifest, files: manifest.files.length },
      );
    });

  backup
    .command('list')
    .description('the backups under <dataDir>/backups (or --in DIR)')
    .option('--in <dir>', 'a directory of backups')
    .action(async (opts: { in?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      localOnly(globals, 'backup list');
      const { listBackups } = await import('../../composition/local-backup.ts');
      const found = await listBackups(await loadConfig(), opts.in);
      createOutput(globals.json).print(
        found.length === 0
          ? 'No backups yet: run `agenticai backup create`.'
          : table(
              ['backup', 'created', 'items', 'artifacts', 'size'],
              found.map(({ id, manifest: m }) => [
                id,
                m.createdAt,
                String(m.tables.data.items),
                String(m.artifacts),
                kib(m.bytes),
              ]),
            ),
        found.map(({ id, dir, manifest: m }) => ({
          id,
          dir,
          createdAt: m.createdAt,
          items: m.tables.data.items,
          artifacts: m.artifacts,
          bytes: m.bytes,
        })),
      );
    });

  backup
    .command('restore')
    .description(
      'replace the local data dir with a backup (the server must be stopped; the replaced data dir is kept)',
    )
    .argument('<backup>', 'a backup directory, or the id of one under <dataDir>/backups')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      localOnly(globals, 'backup restore');
      const { resolveBackup, restoreBackup } = await import('../../composition/local-backup.ts');
      const config = await loadConfig();
      const dir = await resolveBackup(config, ref);
      const { manifest, replaced } = await backupErrors(() => restoreBackup(config, dir));
      createOutput(globals.json).print(
        [
          `Restored ${manifest.tables.data.items} items and ${manifest.artifacts} artifacts from ${dir} (taken ${manifest.createdAt}) into ${config.dataDir}.`,
          replaced
            ? `The replaced data dir is kept at ${replaced}; delete it when you no longer need it.`
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
        {
          restoredFrom: dir,
          dataDir: config.dataDir,
          createdAt: manifest.createdAt,
          replaced: replaced ?? null,
        },
      );
    });

  backup
    .command('status')
    .description(
      "a deployed environment's recovery points: the data table's PITR window, bucket versioning and lifecycle, the last restore drill",
    )
    .option('--bucket <name>', 'the artifact bucket (default: found in the environment stack)')
    .action(async (opts: { bucket?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = deployedEnv(globals, 'backup status');
      const status = await withRecoveryClients(globals, async ({ dynamo, s3, cfn, ssm }) => {
        const { backupStatus, findArtifactBucket, findDataTable, lastDrill } = await import(
          '../../composition/recovery.ts'
        );
        const [bucket, tableName] = await Promise.all([
          opts.bucket ?? findArtifactBucket(cfn, env),
          findDataTable(cfn, env),
        ]);
        const [found, drill] = await Promise.all([
          backupStatus({ dynamo, s3 }, tableName, bucket),
          lastDrill(ssm, env),
        ]);
        return { ...found, lastDrill: drill ?? null };
      });
      const { table: t, bucket: b, lastDrill: d } = status;
      createOutput(globals.json).print(
        table(
          ['resource', 'protection', 'window'],
          [
            [
              'last restore drill',
              d
                ? `${d.result.toUpperCase()} at ${d.finishedAt}${d.reason ? ` (${d.reason})` : ''}`
                : 'no drill recorded',
              d
                ? `RTO ${d.rtoSeconds} s, RPO ${d.rpoSeconds} s; ${d.itemsRestored}/${d.itemsSource} items`
                : 'run `agenticai drill restore --env staging`',
            ],
            [
              `table ${t.name}`,
              `point-in-time recovery ${t.pointInTimeRecovery}`,
              t.earliestRestorable
                ? `${t.earliestRestorable} .. ${t.latestRestorable} (${t.recoveryPeriodDays ?? '?'} days)`
                : '-',
            ],
            [
              `bucket ${b.name}`,
              `versioning ${b.versioning}`,
              b.noncurrentExpirationDays === null
                ? 'old versions kept forever (no lifecycle rule)'
                : `old versions kept ${b.noncurrentExpirationDays} days`,
            ],
          ],
        ),
        status,
      );
    });
}

/** `--env` naming a deployed environment, which the AWS commands need. */
export function deployedEnv(globals: GlobalOptions, command: string): string {
  if (!globals.env || globals.env === 'local')
    throw new CliError(
      `${command} needs --env dev|staging|production; the local data dir has \`agenticai backup list\``,
      EXIT.usage,
    );
  return globals.env;
}

/** The AWS SDK clients recovery needs, loaded on use and always destroyed; RecoveryError is exit 1. */
export async function withRecoveryClients<T>(
  globals: GlobalOptions,
  work: (clients: {
    dynamo: import('@aws-sdk/client-dynamodb').DynamoDBClient;
    s3: import('@aws-sdk/client-s3').S3Client;
    cfn: import('@aws-sdk/client-cloudformation').CloudFormationClient;
    ssm: import('@aws-sdk/client-ssm').SSMClient;
  }) => Promise<T>,
): Promise<T> {
  const [{ DynamoDBClient }, { S3Client }, { CloudFormationClient }, { SSMClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-ssm'),
  ]);
  const config = awsClientConfig(globals);
  const clients = {
    dynamo: new DynamoDBClient(config),
    s3: new S3Client(config),
    cfn: new CloudFormationClient(config),
    ssm: new SSMClient(config),
  };
  try {
    return await work(clients);
  } catch (error) {
    throw recoveryFailure(error, globals.env ?? '');
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

/** The IAM actions the recovery commands use, named when AWS refuses one (docs/RECOVERY.md lists them too). */
export const RECOVERY_PERMISSIONS =
  'cloudformation:DescribeStacks, cloudformation:ListStackResources, dynamodb:DescribeContinuousBackups, dynamodb:DescribeTable, dynamodb:DescribeTimeToLive, dynamodb:ListTagsOfResource, s3:GetBucketVersioning, s3:GetLifecycleConfiguration, s3:ListBucketVersions, ssm:GetParameter; ' +
  'for --apply s3:GetObjectVersion, s3:PutObject, s3:DeleteObjectVersion, dynamodb:RestoreTableToPointInTime (with dynamodb:Scan, dynamodb:Query, dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem and dynamodb:BatchWriteItem on the new table, which AWS checks during a restore), dynamodb:TagResource, dynamodb:UpdateTimeToLive, dynamodb:UpdateContinuousBackups, dynamodb:UpdateTable; ' +
  'for drill restore also dynamodb:DeleteTable and ssm:PutParameter; for restore project dynamodb:GetItem, dynamodb:PutItem';

/** AWS's answers that mean "fix this and run again", as one line; anything else is left to the CLI's mapping. */
function recoveryFailure(error: unknown, env: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'RecoveryError') return new CliError(error.message);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (error.name === 'AccessDenied' || error.name === 'AccessDeniedException' || status === 403)
    return new CliError(
      `AWS refused the request (${error.name}: ${error.message}); the recovery commands need ${RECOVERY_PERMISSIONS}`,
    );
  if (error.name === 'NoSuchBucket') return new CliError(`no such bucket (${error.message}); check --bucket`);
  if (error.name === 'ValidationError' && /does not exist/.test(error.message))
    return new CliError(`${error.message}: is ${env} deployed in this account and region?`);
  return error;
}
