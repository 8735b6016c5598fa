import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  RestoreTableToPointInTimeCommand,
  type TableDescription,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recoveryClock } from '../../src/adapters/aws/table-restore.ts';
import { runCli } from '../../src/cli/program.ts';
import { resourceNames } from '../../src/naming.ts';
import { captureOutput } from '../support/capture-output.ts';

const dynamo = mockClient(DynamoDBClient);
const cfn = mockClient(CloudFormationClient);
const output = captureOutput();
/** The injected clock: a sleep advances it, so a restore of hours runs instantly. */
let now = new Date('2026-11-23T09:00:00Z').getTime();
const sleeps: number[] = [];

const names = resourceNames('production');
const SOURCE = names.dataTable;
const SOURCE_ARN = `arn:aws:dynamodb:eu-west-1:111111111111:table/${SOURCE}`;
const TO_TIME = '2026-11-23T07:00:00Z';
const TARGET = names.restoredDataTable(new Date(TO_TIME));
const TARGET_ARN = `arn:aws:dynamodb:eu-west-1:111111111111:table/${TARGET}`;
const KMS = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const notFound = () =>
  Object.assign(new Error(`Requested resource not found: Table: ${TARGET} not found`), {
    name: 'ResourceNotFoundException',
  });

const indexes = (status: string) => [
  { IndexName: 'GSI1', IndexStatus: status },
  { IndexName: 'GSI2', IndexStatus: status },
];
const target = (status: string, indexStatus = status): TableDescription => ({
  TableName: TARGET,
  TableArn: TARGET_ARN,
  TableStatus: status as TableDescription['TableStatus'],
  ItemCount: 1234,
  GlobalSecondaryIndexes: indexes(indexStatus) as TableDescription['GlobalSecondaryIndexes'],
  RestoreSummary: {
    SourceTableArn: SOURCE_ARN,
    RestoreDateTime: new Date(TO_TIME),
    RestoreInProgress: status !== 'ACTIVE',
  },
});

beforeEach(() => {
  dynamo.reset();
  cfn.reset();
  sleeps.length = 0;
  now = new Date('2026-11-23T09:00:00Z').getTime();
  vi.spyOn(recoveryClock, 'now').mockImplementation(() => new Date(now));
  vi.spyOn(recoveryClock, 'sleep').mockImplementation(async (ms) => {
    sleeps.push(ms);
    now += ms;
  });
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'eu-west-1';
  cfn.on(DescribeStacksCommand, { StackName: names.stack }).resolves({
    Stacks: [
      {
        StackName: names.stack,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: [{ OutputKey: names.dataTableOutput, OutputValue: SOURCE }],
      },
    ],
  });
  dynamo.on(DescribeTableCommand, { TableName: SOURCE }).resolves({
    Table: {
      TableName: SOURCE,
      TableArn: SOURCE_ARN,
      TableStatus: 'ACTIVE',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KMS },
      GlobalSecondaryIndexes: indexes('ACTIVE') as TableDescription['GlobalSecondaryIndexes'],
      DeletionProtectionEnabled: true,
    },
  });
  dynamo.on(DescribeContinuousBackupsCommand, { TableName: SOURCE }).resolves({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: {
        PointInTimeRecoveryStatus: 'ENABLED',
        EarliestRestorableDateTime: new Date('2026-10-19T09:00:00Z'),
        // AWS lags about five minutes behind now.
        LatestRestorableDateTime: new Date('2026-11-23T08:55:00Z'),
        RecoveryPeriodInDays: 35,
      },
    },
  });
  dynamo
    .on(DescribeTimeToLiveCommand, { TableName: SOURCE })
    .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' } });
  // A restored table has no TTL (AWS does not copy it).
  dynamo
    .on(DescribeTimeToLiveCommand, { TableName: TARGET })
    .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
  // Tags over two pages.
  dynamo
    .on(ListTagsOfResourceCommand, { ResourceArn: SOURCE_ARN, NextToken: undefined })
    .resolves({
      Tags: [
        { Key: 'Application', Value: 'AgenticAI' },
        { Key: 'Environment', Value: 'production' },
      ],
      NextToken: 't2',
    })
    .on(ListTagsOfResourceCommand, { ResourceArn: SOURCE_ARN, NextToken: 't2' })
    .resolves({ Tags: [{ Key: 'CostCenter', Value: '42' }] });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const restoreTable = (...extra: string[]) =>
  runCli(['--env', 'production', 'restore', 'table', '--to-time', TO_TIME, ...extra]);

describe('R7.5 agenticai restore table --env', () => {
  it('R7.5 plans by default: source from the stack output, window, target name, what is re-applied; changes nothing', async () => {
    dynamo.on(DescribeTableCommand, { TableName: TARGET }).rejects(notFound());
    expect(await restoreTable('--json')).toBe(0);
    expect(output.stderr).toBe('');
    const plan = JSON.parse(output.stdout);
    expect(plan).toMatchObject({
      action: 'restore',
      applied: false,
      sourceTable: SOURCE,
      targetTable: TARGET,
      restoreTime: '2026-11-23T07:00:00.000Z',
      note: null,
      window: {
        earliest: '2026-10-19T09:00:00.000Z',
        latest: '2026-11-23T08:55:00.000Z',
        recoveryPeriodDays: 35,
      },
      billingMode: 'PAY_PER_REQUEST',
      kmsKeyArn: KMS,
      indexes: ['GSI1', 'GSI2'],
      reapply: {
        ttlAttribute: 'ttl',
        pitrRecoveryPeriodDays: 35,
        deletionProtection: true,
        tags: [
          { Key: 'Application', Value: 'AgenticAI' },
          { Key: 'Environment', Value: 'production' },
          { Key: 'CostCenter', Value: '42' },
        ],
      },
    });
    expect(dynamo.commandCalls(RestoreTableToPointInTimeCommand)).toHaveLength(0);
    // Only reads: no restore, tag, TTL, backup or table update.
    expect(
      dynamo
        .calls()
        .map((c) => c.args[0].constructor.name)
        .filter((n) => !/^(Describe|List)/.test(n)),
    ).toEqual([]);
    output.stdout = '';
    expect(await restoreTable()).toBe(0);
    expect(output.stdout).toContain(`into a new table ${TARGET}`);
    expect(output.stdout).toContain('TTL: on attribute ttl');
    expect(output.stdout).toContain('Run again with --apply');
  });

  it('R7.5 a time before the window or in the future is refused with the window; just after the latest restorable time is clamped to it', async () => {
    dynamo.on(DescribeTableCommand, { TableName: TARGET }).rejects(notFound());
    expect(
      await runCli(['--env', 'production', 'restore', 'table', '--to-time', '2026-09-01T00:00:00Z']),
    ).toBe(1);
    expect(output.stderr).toContain(
      '2026-09-01T00:00:00.000Z is before the restorable window (2026-10-19T09:00:00.000Z .. 2026-11-23T08:55:00.000Z)',
    );
    output.stderr = '';
    expect(
      await runCli(['--env', 'production', 'restore', 'table', '--to-time', '2026-11-24T00:00:00Z']),
    ).toBe(1);
    expect(output.stderr).toMatch(/is in the future/);
    output.stderr = '';
    expect(
      await runCli([
        '--env',
        'production',
        'restore',
        'table',
        '--to-time',
        '2026-11-23T08:58:00Z',
        '--target-name',
        TARGET,
        '--json',
      ]),
    ).toBe(0);
    expect(JSON.parse(output.stdout)).toMatchObject({
      restoreTime: '2026-11-23T08:55:00.000Z',
      note: expect.stringMatching(/after the latest restorable time/),
    });
    expect(await runCli(['--env', 'production', 'restore', 'table', '--to-time', 'yesterday'])).toBe(2);
    expect(dynamo.commandCalls(RestoreTableToPointInTimeCommand)).toHaveLength(0);
  });

  it('R7.5 --apply restores into a new table, waits with progress until it and its indexes are ACTIVE, re-applies TTL, PITR, tags and deletion protection, then says how to switch', async () => {
    dynamo
      .on(DescribeTableCommand, { TableName: TARGET })
      .rejectsOnce(notFound())
      .resolvesOnce({ Table: target('CREATING') })
      .resolvesOnce({ Table: target('CREATING') })
      .resolvesOnce({ Table: target('ACTIVE', 'CREATING') })
      .resolves({ Table: target('ACTIVE') });
    dynamo.on(RestoreTableToPointInTimeCommand).resolves({});
    expect(await restoreTable('--apply')).toBe(0);
    expect(dynamo.commandCalls(RestoreTableToPointInTimeCommand).map((c) => c.args[0].input)).toEqual([
      {
        SourceTableName: SOURCE,
        TargetTableName: TARGET,
        RestoreDateTime: new Date(TO_TIME),
        BillingModeOverride: 'PAY_PER_REQUEST',
        // No SSE override: the restore keeps the source's encryption settings and key.
      },
    ]);
    // Three polls before it is ready, 30 s apart (the injected clock).
    expect(sleeps).toEqual([30_000, 30_000, 30_000]);
    expect(output.stderr).toContain(`${TARGET}: CREATING (indexes not ready: GSI1, GSI2), 0 s elapsed`);
    expect(output.stderr).toContain(`${TARGET}: ACTIVE (indexes not ready: GSI1, GSI2), 60 s elapsed`);
    expect(output.stderr).toContain(`${TARGET}: ACTIVE, 90 s elapsed`);
    expect(dynamo.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      {
        ResourceArn: TARGET_ARN,
        Tags: [
          { Key: 'Application', Value: 'AgenticAI' },
          { Key: 'Environment', Value: 'production' },
          { Key: 'CostCenter', Value: '42' },
        ],
      },
    ]);
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: TARGET, TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } },
    ]);
    expect(dynamo.commandCalls(UpdateContinuousBackupsCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: TARGET,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
      },
    ]);
    expect(dynamo.commandCalls(UpdateTableCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: TARGET, DeletionProtectionEnabled: true },
    ]);
    expect(output.stdout).toContain(
      `Restored ${SOURCE} as it was at 2026-11-23T07:00:00.000Z into ${TARGET}`,
    );
    expect(output.stdout).toContain(`add \`dataTableName: '${TARGET}'\` to production's settings`);
    expect(output.stdout).toContain('npm run deploy -- --env production');
    expect(output.stdout).toMatch(/The way back: remove dataTableName and deploy again/);
  });

  it('R7.5 Ctrl-C stops the wait, not the restore, and names the command that resumes it; running it waits and re-applies without a second restore', async () => {
    dynamo
      .on(DescribeTableCommand, { TableName: TARGET })
      .rejectsOnce(notFound())
      .callsFakeOnce(async () => {
        process.emit('SIGINT');
        return { Table: target('CREATING') };
      })
      .resolves({ Table: target('ACTIVE') });
    vi.mocked(recoveryClock.sleep).mockImplementation(async (_ms, signal) => {
      if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    });
    dynamo.on(RestoreTableToPointInTimeCommand).resolves({});
    expect(await restoreTable('--apply')).toBe(1);
    expect(output.stderr).toContain(`stopped waiting; the restore of ${TARGET} goes on in AWS`);
    expect(output.stderr).toContain(
      `npx agenticai --env production restore table --to-time 2026-11-23T07:00:00.000Z --target-name ${TARGET} --apply`,
    );
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
    // The resumed command finds the target is a restore of the source: it waits and re-applies
    // (TTL, which AWS refuses to enable twice, only when it is not on yet).
    dynamo
      .on(DescribeTimeToLiveCommand, { TableName: TARGET })
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    output.stdout = '';
    expect(await restoreTable('--target-name', TARGET, '--apply', '--json')).toBe(0);
    expect(dynamo.commandCalls(RestoreTableToPointInTimeCommand)).toHaveLength(1);
    expect(JSON.parse(output.stdout)).toMatchObject({ action: 'resume', applied: true, targetTable: TARGET });
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(1);
    // Once more: TTL is on now, so it is not enabled again.
    dynamo
      .on(DescribeTimeToLiveCommand, { TableName: TARGET })
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' } });
    output.stdout = '';
    expect(await restoreTable('--target-name', TARGET, '--apply', '--json')).toBe(0);
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(1);
    expect(JSON.parse(output.stdout).reapplied).toContain('TTL on attribute ttl (already on)');
  });

  it.each([
    ['TableAlreadyExistsException', `table ${TARGET} already exists; choose another --target-name`],
    ['LimitExceededException', 'too many table operations under way in this account'],
  ])(
    'R7.5 a restore AWS refuses with %s is a clear error, exit 1, and nothing is re-applied',
    async (name, message) => {
      dynamo.on(DescribeTableCommand, { TableName: TARGET }).rejects(notFound());
      dynamo.on(RestoreTableToPointInTimeCommand).rejects(Object.assign(new Error('refused'), { name }));
      expect(await restoreTable('--apply')).toBe(1);
      expect(output.stderr).toContain(message);
      expect(output.stderr).not.toMatch(/\n\s+at /);
      expect(dynamo.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
      expect(dynamo.commandCalls(TagResourceCommand)).toHaveLength(0);
    },
  );

  it('R7.5 a target that exists and is not a restore of the source is refused at the plan', async () => {
    dynamo
      .on(DescribeTableCommand, { TableName: TARGET })
      .resolves({ Table: { TableName: TARGET, TableArn: TARGET_ARN, TableStatus: 'ACTIVE' } });
    expect(await restoreTable('--apply')).toBe(1);
    expect(output.stderr).toContain(`table ${TARGET} already exists and is not a restore of ${SOURCE}`);
    expect(dynamo.commandCalls(RestoreTableToPointInTimeCommand)).toHaveLength(0);
  });

  it('R7.5 after a switch the source is the table in use (the stack output), and PITR off is refused', async () => {
    const inUse = names.restoredDataTable(new Date('2026-11-01T00:00:00Z'));
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: names.stack,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [{ OutputKey: names.dataTableOutput, OutputValue: inUse }],
        },
      ],
    });
    dynamo.on(DescribeTableCommand, { TableName: inUse }).resolves({
      Table: { TableName: inUse, TableArn: `arn:aws:dynamodb:eu-west-1:111111111111:table/${inUse}` },
    });
    dynamo.on(DescribeContinuousBackupsCommand, { TableName: inUse }).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    expect(await restoreTable()).toBe(1);
    expect(output.stderr).toContain(`point-in-time recovery is DISABLED on ${inUse}`);
  });

  it('R7.5 missing permissions are one line naming what the restore needs (exit 1); --target-name of the table in use is a usage error', async () => {
    dynamo.on(DescribeTableCommand, { TableName: TARGET }).rejects(notFound());
    dynamo.on(RestoreTableToPointInTimeCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:iam::111111111111:user/ops is not authorized to perform: dynamodb:RestoreTableToPointInTime',
        ),
        {
          name: 'AccessDeniedException',
          $metadata: { httpStatusCode: 400 },
        },
      ),
    );
    expect(await restoreTable('--apply')).toBe(1);
    expect(output.stderr).toMatch(
      /AWS refused the request \(AccessDeniedException: .*\); the recovery commands need .*dynamodb:RestoreTableToPointInTime/,
    );
    expect(output.stderr).not.toMatch(/\n\s+at /);
    expect(dynamo.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
    output.stderr = '';
    expect(await restoreTable('--target-name', SOURCE)).toBe(2);
    expect(output.stderr).toContain(`--target-name is the table in use (${SOURCE})`);
  });
});
