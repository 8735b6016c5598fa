import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeContinuousBackupsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { resourceNames } from '../../src/naming.ts';
import { captureOutput } from '../support/capture-output.ts';

const dynamo = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const output = captureOutput();

const BUCKET = 'agenticai-staging-artifactsd26cf9e8-1a2b3c';
const KEY = 'projects/cl-1/pr-1/pm/requirements.md';

beforeEach(() => {
  dynamo.reset();
  s3.reset();
  cfn.reset();
  ssm.reset();
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  // The stack as CloudFormation lists it, over two pages; the access-log bucket must not be picked.
  cfn
    .on(ListStackResourcesCommand, { StackName: resourceNames('staging').stack, NextToken: undefined })
    .resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'ArtifactsAccessLogs4D97777C',
          PhysicalResourceId: 'agenticai-staging-logs',
          ResourceType: 'AWS::S3::Bucket',
          LastUpdatedTimestamp: new Date(),
          ResourceStatus: 'CREATE_COMPLETE',
        },
      ],
      NextToken: 'page2',
    })
    .on(ListStackResourcesCommand, { NextToken: 'page2' })
    .resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'ArtifactsD26CF9E8',
          PhysicalResourceId: BUCKET,
          ResourceType: 'AWS::S3::Bucket',
          LastUpdatedTimestamp: new Date(),
          ResourceStatus: 'CREATE_COMPLETE',
        },
      ],
    });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('R7.5 agenticai backup status --env', () => {
  it('R7.5 prints the PITR window of the data table and the bucket versioning and lifecycle', async () => {
    dynamo.on(DescribeContinuousBackupsCommand, { TableName: 'agenticai-staging-data' }).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          EarliestRestorableDateTime: new Date('2026-11-16T07:00:00Z'),
          LatestRestorableDateTime: new Date('2026-11-23T06:55:00Z'),
          RecoveryPeriodInDays: 7,
        },
      },
    });
    s3.on(GetBucketVersioningCommand, { Bucket: BUCKET }).resolves({ Status: 'Enabled' });
    s3.on(GetBucketLifecycleConfigurationCommand, { Bucket: BUCKET }).resolves({
      Rules: [
        { ID: 'a', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        { ID: 'b', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
      ],
    });
    expect(await runCli(['backup', 'status', '--env', 'staging', '--json'])).toBe(0);
    expect(JSON.parse(output.stdout)).toEqual({
      table: {
        name: 'agenticai-staging-data',
        pointInTimeRecovery: 'ENABLED',
        earliestRestorable: '2026-11-16T07:00:00.000Z',
        latestRestorable: '2026-11-23T06:55:00.000Z',
        recoveryPeriodDays: 7,
      },
      bucket: { name: BUCKET, versioning: 'Enabled', noncurrentExpirationDays: 30 },
      lastDrill: null,
    });
    output.stdout = '';
    expect(await runCli(['backup', 'status', '--env', 'staging'])).toBe(0);
    expect(output.stdout).toMatch(/point-in-time recovery ENABLED/);
    expect(output.stdout).toMatch(/old versions kept 30 days/);
    expect(output.stdout).toMatch(/no drill recorded/);
  });

  it('R7.5 shows the last restore drill (result, when, RTO/RPO) from its SSM parameter, and the table in use after a switch', async () => {
    const restored = resourceNames('staging').restoredDataTable(new Date('2026-11-20T00:00:00Z'));
    cfn.on(DescribeStacksCommand, { StackName: 'agenticai-staging' }).resolves({
      Stacks: [
        {
          StackName: 'agenticai-staging',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [{ OutputKey: resourceNames('staging').dataTableOutput, OutputValue: restored }],
        },
      ],
    });
    dynamo.on(DescribeContinuousBackupsCommand, { TableName: restored }).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 35 },
      },
    });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [] });
    const record = {
      startedAt: '2026-11-22T09:00:00.000Z',
      finishedAt: '2026-11-22T09:15:00.000Z',
      result: 'pass',
      sourceTable: 'agenticai-staging-data',
      restoredToTime: '2026-11-22T09:00:00.000Z',
      rtoSeconds: 600,
      rpoSeconds: 300,
      itemsSource: 5,
      itemsRestored: 5,
      sampleSize: 3,
      sampleMismatches: 0,
    };
    ssm
      .on(GetParameterCommand, { Name: resourceNames('staging').restoreDrillParameter })
      .resolves({ Parameter: { Value: JSON.stringify(record) } });
    expect(await runCli(['backup', 'status', '--env', 'staging', '--json'])).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({ table: { name: restored }, lastDrill: record });
    output.stdout = '';
    expect(await runCli(['backup', 'status', '--env', 'staging'])).toBe(0);
    expect(output.stdout).toContain('PASS at 2026-11-22T09:15:00.000Z');
    expect(output.stdout).toContain('RTO 600 s, RPO 300 s');
  });

  it('R7.5 shows what AWS reports for an unprotected environment: PITR off, versioning never set, no lifecycle', async () => {
    dynamo.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(
      Object.assign(new Error('The lifecycle configuration does not exist'), {
        name: 'NoSuchLifecycleConfiguration',
      }),
    );
    expect(await runCli(['backup', 'status', '--env', 'staging', '--bucket', 'b', '--json'])).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({
      table: { pointInTimeRecovery: 'DISABLED', earliestRestorable: null },
      bucket: { name: 'b', versioning: 'Disabled', noncurrentExpirationDays: null },
    });
    expect(cfn.commandCalls(ListStackResourcesCommand)).toHaveLength(0);
  });

  it('R7.5 without --env it is a usage error; a stack without the bucket is exit 1', async () => {
    expect(await runCli(['backup', 'status'])).toBe(2);
    expect(output.stderr).toMatch(/needs --env/);
    cfn.reset();
    cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    expect(await runCli(['backup', 'status', '--env', 'staging'])).toBe(1);
    expect(output.stderr).toMatch(/stack agenticai-staging has no artifact bucket/);
  });
});

const t = (iso: string) => new Date(iso);
/** The key's history over two pages, with a longer key under the same prefix on each. */
function history(opts: { deleted: boolean }) {
  s3.on(ListObjectVersionsCommand, { Bucket: BUCKET, Prefix: KEY, KeyMarker: undefined }).resolves({
    IsTruncated: true,
    NextKeyMarker: KEY,
    NextVersionIdMarker: 'v2',
    DeleteMarkers: opts.deleted
      ? [{ Key: KEY, VersionId: 'dm1', IsLatest: true, LastModified: t('2026-11-22T12:00:00Z') }]
      : [],
    Versions: [
      {
        Key: KEY,
        VersionId: 'v3',
        IsLatest: !opts.deleted,
        LastModified: t('2026-11-22T10:00:00Z'),
        Size: 30,
      },
      { Key: KEY, VersionId: 'v2', IsLatest: false, LastModified: t('2026-11-21T10:00:00Z'), Size: 20 },
    ],
  });
  s3.on(ListObjectVersionsCommand, { KeyMarker: KEY, VersionIdMarker: 'v2' }).resolves({
    IsTruncated: false,
    Versions: [
      { Key: KEY, VersionId: 'v1', IsLatest: false, LastModified: t('2026-11-20T10:00:00Z'), Size: 10 },
      { Key: `${KEY}.bak`, VersionId: 'x1', IsLatest: true, LastModified: t('2026-11-19T10:00:00Z') },
    ],
  });
}

describe('R7.5 agenticai restore object --env', () => {
  it('R7.5 --before picks the newest version before the time from every page; a plan changes nothing', async () => {
    history({ deleted: false });
    const code = await runCli([
      'restore',
      'object',
      '--env',
      'staging',
      '--key',
      KEY,
      '--before',
      '2026-11-21T00:00:00Z',
      '--json',
    ]);
    expect(output.stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({ action: 'copy', versionId: 'v1', applied: false });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(2);
  });

  it('R7.5 --version V --apply copies that version onto the key as a new current version', async () => {
    history({ deleted: false });
    s3.on(CopyObjectCommand).resolves({ VersionId: 'v4' });
    const args = [
      'restore',
      'object',
      '--env',
      'staging',
      '--key',
      KEY,
      '--version-id',
      'v2',
      '--apply',
      '--json',
    ];
    expect(await runCli(args)).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({
      action: 'copy',
      versionId: 'v2',
      applied: true,
      newVersionId: 'v4',
    });
    const copies = s3.commandCalls(CopyObjectCommand);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: KEY,
      CopySource: `${BUCKET}/${KEY}?versionId=v2`,
    });
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('R7.5 the current version is "nothing to do", even with --apply', async () => {
    history({ deleted: false });
    expect(
      await runCli(['restore', 'object', '--env', 'staging', '--key', KEY, '--version-id', 'v3', '--apply']),
    ).toBe(0);
    expect(output.stdout).toMatch(/Nothing to do .*already current/);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('R7.5 undelete removes the delete marker by its version id (plan first, then --apply)', async () => {
    history({ deleted: true });
    expect(await runCli(['restore', 'object', '--env', 'staging', '--key', KEY])).toBe(0);
    expect(output.stdout).toMatch(/Plan for s3:\/\/.*remove the delete marker dm1.*\n.*--apply/);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    s3.on(DeleteObjectCommand).resolves({ DeleteMarker: true, VersionId: 'dm1' });
    expect(await runCli(['restore', 'object', '--env', 'staging', '--key', KEY, '--apply'])).toBe(0);
    const deletes = s3.commandCalls(DeleteObjectCommand);
    expect(deletes.map((c) => c.args[0].input)).toEqual([{ Bucket: BUCKET, Key: KEY, VersionId: 'dm1' }]);
  });

  it('R7.5 undelete of a key deleted twice removes both markers; a key with only markers left is exit 1', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      IsTruncated: false,
      DeleteMarkers: [
        { Key: KEY, VersionId: 'dm2', IsLatest: true, LastModified: t('2026-11-22T13:00:00Z') },
        { Key: KEY, VersionId: 'dm1', IsLatest: false, LastModified: t('2026-11-22T12:00:00Z') },
        { Key: KEY, VersionId: 'dm0', IsLatest: false, LastModified: t('2026-11-20T12:00:00Z') },
      ],
      Versions: [{ Key: KEY, VersionId: 'v3', IsLatest: false, LastModified: t('2026-11-22T10:00:00Z') }],
    });
    s3.on(DeleteObjectCommand).resolves({});
    expect(await runCli(['restore', 'object', '--env', 'staging', '--key', KEY, '--apply', '--json'])).toBe(
      0,
    );
    expect(JSON.parse(output.stdout)).toMatchObject({
      action: 'undelete',
      versionId: 'v3',
      deleteMarkers: ['dm2', 'dm1'],
    });
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual([
      'dm2',
      'dm1',
    ]);

    s3.reset();
    s3.on(ListObjectVersionsCommand).resolves({
      IsTruncated: false,
      DeleteMarkers: [
        { Key: KEY, VersionId: 'dm1', IsLatest: true, LastModified: t('2026-11-22T12:00:00Z') },
      ],
    });
    expect(await runCli(['restore', 'object', '--env', 'staging', '--key', KEY, '--apply'])).toBe(1);
    expect(output.stderr).toMatch(/has no version left to bring back/);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('R7.5 errors: no such version, no version before the time, not deleted, unknown key, bad usage', async () => {
    history({ deleted: false });
    const run = (...extra: string[]) =>
      runCli(['restore', 'object', '--env', 'staging', '--key', KEY, ...extra]);
    expect(await run('--version-id', 'nope', '--apply')).toBe(1);
    expect(output.stderr).toMatch(/no version nope of projects\/cl-1\/pr-1\/pm\/requirements.md/);
    expect(await run('--before', '2026-11-20T10:00:00Z')).toBe(1);
    expect(output.stderr).toMatch(/no version of .* before 2026-11-20T10:00:00.000Z/);
    expect(await run()).toBe(1);
    expect(output.stderr).toMatch(/is not deleted; name --version-id or --before/);
    expect(await run('--version-id', 'v1', '--before', '2026-11-21T00:00:00Z')).toBe(2);
    expect(await run('--before', 'yesterday')).toBe(2);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);

    s3.reset();
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    expect(await run('--version-id', 'v1')).toBe(1);
    expect(output.stderr).toMatch(/no versions of .* in bucket/);
    expect(await runCli(['restore', 'object', '--key', KEY])).toBe(2);
  });

  it('R7.5 missing permissions, a wrong bucket, an environment not deployed: one clear line, exit 1, nothing changed', async () => {
    history({ deleted: false });
    s3.on(CopyObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
    expect(
      await runCli(['restore', 'object', '--env', 'staging', '--key', KEY, '--version-id', 'v1', '--apply']),
    ).toBe(1);
    expect(output.stderr).toMatch(/AWS refused the request \(AccessDenied: Access Denied\); .*s3:PutObject/);
    expect(output.stderr).not.toMatch(/\n\s+at /);

    s3.reset();
    s3.on(ListObjectVersionsCommand).rejects(
      Object.assign(new Error('The specified bucket does not exist'), {
        name: 'NoSuchBucket',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    output.stderr = '';
    expect(await runCli(['restore', 'object', '--env', 'staging', '--key', KEY, '--bucket', 'nope'])).toBe(1);
    expect(output.stderr).toMatch(/no such bucket .*check --bucket/);

    cfn.reset();
    cfn.on(ListStackResourcesCommand).rejects(
      Object.assign(new Error('Stack with id agenticai-staging does not exist'), {
        name: 'ValidationError',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    output.stderr = '';
    expect(await runCli(['backup', 'status', '--env', 'staging'])).toBe(1);
    expect(output.stderr).toMatch(/does not exist: is staging deployed in this account and region\?/);
  });
});
