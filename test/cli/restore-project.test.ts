import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { resourceNames } from '../../src/naming.ts';
import { captureOutput } from '../support/capture-output.ts';

const dynamo = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const cfn = mockClient(CloudFormationClient);
const output = captureOutput();

const names = resourceNames('production');
const LIVE = names.dataTable;
const FROM = names.restoredDataTable(new Date('2026-11-23T07:00:00Z'));
const BUCKET = 'agenticai-production-artifactsd26cf9e8-1a2b3c';
const CLIENT = 'cl-1';
const PROJECT = '01JDR5Q3ZKQ0000000000000AB';
const PREFIX = `projects/${CLIENT}/${PROJECT}/`;
const KEY = { PK: { S: `CLIENT#${CLIENT}` }, SK: { S: `PROJECT#${PROJECT}` } };
type Item = Record<string, AttributeValue>;
const project = (version: number, status: string, updatedAt: string, extra: Item = {}): Item => ({
  ...KEY,
  entity: { S: 'project' },
  id: { S: PROJECT },
  clientId: { S: CLIENT },
  name: { S: 'Shop' },
  status: { S: status },
  version: { N: String(version) },
  updatedAt: { S: updatedAt },
  ...extra,
});
const BEFORE = project(4, 'completed', '2026-11-23T06:00:00.000Z', {
  lease: { M: { owner: { S: 'worker-1' } } },
});
const NOW = project(7, 'failed', '2026-11-23T08:00:00.000Z');
const t = (iso: string) => new Date(iso);

beforeEach(() => {
  dynamo.reset();
  s3.reset();
  cfn.reset();
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'eu-west-1';
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'ArtifactsD26CF9E8',
        PhysicalResourceId: BUCKET,
        ResourceType: 'AWS::S3::Bucket',
        LastUpdatedTimestamp: new Date(0),
        ResourceStatus: 'CREATE_COMPLETE',
      },
    ],
  });
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: names.stack,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: [{ OutputKey: names.dataTableOutput, OutputValue: LIVE }],
      },
    ],
  });
  dynamo.on(DescribeTableCommand, { TableName: FROM }).resolves({
    Table: {
      TableName: FROM,
      TableStatus: 'ACTIVE',
      RestoreSummary: { RestoreDateTime: t('2026-11-23T07:00:00Z'), RestoreInProgress: false },
    },
  });
  dynamo.on(GetItemCommand, { TableName: FROM }).resolves({ Item: BEFORE });
  dynamo.on(GetItemCommand, { TableName: LIVE }).resolves({ Item: NOW });
  // Two artifacts: one rewritten since (an older version exists), one written after the time.
  s3.on(ListObjectVersionsCommand, { Bucket: BUCKET, Prefix: PREFIX }).resolves({
    IsTruncated: false,
    Versions: [
      {
        Key: `${PREFIX}dev/code.md`,
        VersionId: 'c1',
        IsLatest: true,
        LastModified: t('2026-11-23T07:40:00Z'),
      },
      {
        Key: `${PREFIX}pm/requirements.md`,
        VersionId: 'r2',
        IsLatest: true,
        LastModified: t('2026-11-23T07:50:00Z'),
      },
      {
        Key: `${PREFIX}pm/requirements.md`,
        VersionId: 'r1',
        IsLatest: false,
        LastModified: t('2026-11-23T05:00:00Z'),
      },
    ],
  });
  for (const key of ['dev/code.md', 'pm/requirements.md'])
    s3.on(ListObjectVersionsCommand, { Bucket: BUCKET, Prefix: `${PREFIX}${key}` }).callsFake(
      async (input) => ({
        IsTruncated: false,
        Versions: [
          {
            Key: `${PREFIX}dev/code.md`,
            VersionId: 'c1',
            IsLatest: true,
            LastModified: t('2026-11-23T07:40:00Z'),
          },
          {
            Key: `${PREFIX}pm/requirements.md`,
            VersionId: 'r2',
            IsLatest: true,
            LastModified: t('2026-11-23T07:50:00Z'),
          },
          {
            Key: `${PREFIX}pm/requirements.md`,
            VersionId: 'r1',
            IsLatest: false,
            LastModified: t('2026-11-23T05:00:00Z'),
          },
        ].filter((v) => v.Key === input.Prefix),
      }),
    );
});
afterEach(() => {
  vi.restoreAllMocks();
});

const restoreProject = (...extra: string[]) =>
  runCli([
    '--env',
    'production',
    'restore',
    'project',
    PROJECT,
    '--client',
    CLIENT,
    '--before',
    '2026-11-23T07:30:00Z',
    '--from-table',
    FROM,
    ...extra,
  ]);

describe('R7.5 agenticai restore project --env', () => {
  it('R7.5 plans: the item from the restored table against the live one, each artifact from its versions; nothing written', async () => {
    expect(await restoreProject('--json')).toBe(0);
    expect(output.stderr).toBe('');
    expect(JSON.parse(output.stdout)).toEqual({
      clientId: CLIENT,
      projectId: PROJECT,
      before: '2026-11-23T07:30:00.000Z',
      fromTable: FROM,
      restorePoint: '2026-11-23T07:00:00.000Z',
      targetTable: LIVE,
      action: 'replace',
      restored: { version: 4, status: 'completed', updatedAt: '2026-11-23T06:00:00.000Z' },
      current: { version: 7, status: 'failed', updatedAt: '2026-11-23T08:00:00.000Z' },
      artifacts: [
        {
          key: `${PREFIX}dev/code.md`,
          action: 'keep',
          reason: expect.stringMatching(
            /no version of .*dev\/code\.md before 2026-11-23T07:30:00\.000Z.*; kept as it is/,
          ),
        },
        {
          key: `${PREFIX}pm/requirements.md`,
          action: 'copy',
          reason: expect.stringMatching(/copy version r1/),
        },
      ],
      applied: false,
    });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('R7.5 --apply writes the item only if the live one is still the version planned (a newer version, no lease), then copies the artifacts back', async () => {
    s3.on(CopyObjectCommand).resolves({ VersionId: 'r3' });
    dynamo.on(PutItemCommand).resolves({});
    expect(await restoreProject('--apply')).toBe(0);
    expect(s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: BUCKET,
        Key: `${PREFIX}pm/requirements.md`,
        CopySource: `${BUCKET}/${PREFIX}pm/requirements.md?versionId=r1`,
      },
    ]);
    expect(dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: LIVE,
        Item: { ...project(4, 'completed', '2026-11-23T06:00:00.000Z'), version: { N: '8' } },
        ConditionExpression: '#version = :seen',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':seen': { N: '7' } },
      },
    ]);
    expect(output.stdout).toContain('Done for client cl-1');
    expect(output.stdout).not.toContain('Run again with --apply');
  });

  it('R7.5 a project changed between the read and the write is refused, never overwritten (exit 1)', async () => {
    s3.on(CopyObjectCommand).resolves({ VersionId: 'r3' });
    dynamo.on(PutItemCommand).rejects(
      Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      }),
    );
    expect(await restoreProject('--apply')).toBe(1);
    expect(output.stderr).toContain(
      `project ${PROJECT} changed while restoring (it is no longer version 7); nothing was changed`,
    );
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('R7.5 a deleted project is recreated only if it is still absent', async () => {
    dynamo.on(GetItemCommand, { TableName: LIVE }).resolves({});
    dynamo.on(PutItemCommand).resolves({});
    s3.on(CopyObjectCommand).resolves({ VersionId: 'r3' });
    expect(await restoreProject('--apply', '--json')).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({ action: 'recreate', current: null, applied: true });
    const put = dynamo.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(put.Item!.version).toEqual({ N: '4' });
    expect(put.Item!.lease).toBeUndefined();
  });

  it('R7.5 a --from-table that is missing, not a restore, or restored after --before is refused; the project missing there too', async () => {
    dynamo.on(DescribeTableCommand, { TableName: FROM }).resolves({
      Table: {
        TableName: FROM,
        TableStatus: 'ACTIVE',
        RestoreSummary: { RestoreDateTime: t('2026-11-23T07:45:00Z'), RestoreInProgress: false },
      },
    });
    expect(await restoreProject()).toBe(1);
    expect(output.stderr).toContain(
      `${FROM} holds 2026-11-23T07:45:00.000Z, after --before 2026-11-23T07:30:00.000Z`,
    );
    dynamo
      .on(DescribeTableCommand, { TableName: FROM })
      .resolves({ Table: { TableName: FROM, TableStatus: 'ACTIVE' } });
    output.stderr = '';
    expect(await restoreProject()).toBe(1);
    expect(output.stderr).toContain('is not a restored table');
    dynamo
      .on(DescribeTableCommand, { TableName: FROM })
      .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    output.stderr = '';
    expect(await restoreProject()).toBe(1);
    expect(output.stderr).toContain(`no table ${FROM}; restore one first`);
    dynamo.on(DescribeTableCommand, { TableName: FROM }).resolves({
      Table: {
        TableName: FROM,
        TableStatus: 'ACTIVE',
        RestoreSummary: { RestoreDateTime: t('2026-11-23T07:00:00Z'), RestoreInProgress: false },
      },
    });
    dynamo.on(GetItemCommand, { TableName: FROM }).resolves({});
    output.stderr = '';
    expect(await restoreProject()).toBe(1);
    expect(output.stderr).toContain(`project ${PROJECT} of client ${CLIENT} is not in ${FROM}`);
    expect(
      await runCli([
        '--env',
        'production',
        'restore',
        'project',
        PROJECT,
        '--before',
        '2026-11-23T07:30:00Z',
        '--from-table',
        FROM,
      ]),
    ).toBe(2);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });
});
