import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  type AttributeValue,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTagsOfResourceCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recoveryClock } from '../../src/adapters/aws/table-restore.ts';
import { runCli } from '../../src/cli/program.ts';
import { parseRestoreDrillRecord } from '../../src/domain/restore-drill.ts';
import { resourceNames } from '../../src/naming.ts';
import { captureOutput } from '../support/capture-output.ts';

const dynamo = mockClient(DynamoDBClient);
const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const output = captureOutput();
const START = new Date('2026-11-23T09:00:00Z');
let now = START.getTime();

const names = resourceNames('staging');
const SOURCE = names.dataTable;
const ARN = (t: string) => `arn:aws:dynamodb:eu-west-1:111111111111:table/${t}`;
const SCRATCH = names.drillTable(START);
type Item = Record<string, AttributeValue>;

/** A table's items as DynamoDB holds them; the scan pages at 2 items (a big table pages by size). */
function table(name: string, items: Item[]) {
  dynamo.on(ScanCommand, { TableName: name, Select: 'COUNT' }).callsFake(async (input) => {
    const from = input.ExclusiveStartKey ? Number(input.ExclusiveStartKey.i!.N) : 0;
    const page = items.slice(from, from + 2);
    return {
      Count: page.length,
      ...(from + 2 < items.length && { LastEvaluatedKey: { i: { N: String(from + 2) } } }),
    };
  });
  dynamo.on(GetItemCommand, { TableName: name }).callsFake(async (input) => ({
    Item: items.find((i) => i.PK!.S === input.Key.PK.S && i.SK!.S === input.Key.SK.S),
  }));
}
const item = (n: number, extra: Item = {}): Item => ({
  PK: { S: `CLIENT#c${n}` },
  SK: { S: `PROJECT#p${n}` },
  name: { S: `project ${n}` },
  tags: { SS: ['a', 'b'] },
  ...extra,
});
const SOURCE_ITEMS = [1, 2, 3, 4, 5].map((n) => item(n));

beforeEach(() => {
  dynamo.reset();
  cfn.reset();
  ssm.reset();
  now = START.getTime();
  vi.spyOn(recoveryClock, 'now').mockImplementation(() => new Date(now));
  vi.spyOn(recoveryClock, 'sleep').mockImplementation(async (ms) => {
    now += ms;
  });
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'eu-west-1';
  cfn.on(DescribeStacksCommand).resolves({
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
      TableArn: ARN(SOURCE),
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    },
  });
  // Point-in-time recovery trails now by five minutes, as in AWS: the drill waits for its snapshot.
  dynamo.on(DescribeContinuousBackupsCommand).callsFake(async () => ({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: {
        PointInTimeRecoveryStatus: 'ENABLED',
        EarliestRestorableDateTime: new Date('2026-10-19T00:00:00Z'),
        LatestRestorableDateTime: new Date(now - 5 * 60_000),
        RecoveryPeriodInDays: 35,
      },
    },
  }));
  dynamo.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
  dynamo.on(ListTagsOfResourceCommand).resolves({ Tags: [] });
  // The first page of keys is the sample.
  dynamo
    .on(ScanCommand, { TableName: SOURCE, Limit: 25 })
    .resolves({ Items: SOURCE_ITEMS.slice(0, 3).map((i) => ({ PK: i.PK!, SK: i.SK! })) });
  table(SOURCE, SOURCE_ITEMS);
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The scratch table: missing until restored, then CREATING for 10 minutes, then ACTIVE. */
function restoreSucceeds(restored: Item[]) {
  let requestedAt = 0;
  const described = (): TableDescription => ({
    TableName: SCRATCH,
    TableArn: ARN(SCRATCH),
    TableStatus: now - requestedAt >= 10 * 60_000 ? 'ACTIVE' : 'CREATING',
    RestoreSummary: {
      SourceTableArn: ARN(SOURCE),
      RestoreDateTime: new Date(restoreTime()),
      RestoreInProgress: now - requestedAt < 10 * 60_000,
    },
  });
  const restoreTime = () =>
    (
      dynamo.commandCalls(RestoreTableToPointInTimeCommand)[0]!.args[0].input.RestoreDateTime as Date
    ).getTime();
  dynamo.on(DescribeTableCommand, { TableName: SCRATCH }).callsFake(async () => {
    if (!requestedAt) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    return { Table: described() };
  });
  dynamo.on(RestoreTableToPointInTimeCommand).callsFake(async () => {
    requestedAt = now;
    return {};
  });
  dynamo.on(DeleteTableCommand, { TableName: SCRATCH }).resolves({});
  table(SCRATCH, restored);
}

const stored = () => {
  const calls = ssm.commandCalls(PutParameterCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  expect(input).toMatchObject({ Name: names.restoreDrillParameter, Type: 'String', Overwrite: true });
  return parseRestoreDrillRecord(input.Value)!;
};

describe('R7.5 agenticai drill restore --env', () => {
  it('R7.5 a passing drill restores the snapshot moment, compares counts (every page) and the sample, records RTO and RPO, deletes the scratch table', async () => {
    // The restored copy holds the same items; its sets come back in another order (still equal).
    restoreSucceeds(SOURCE_ITEMS.map((i) => ({ ...i, tags: { SS: ['b', 'a'] } })));
    expect(await runCli(['--env', 'staging', 'drill', 'restore', '--json'])).toBe(0);
    const record = stored();
    // The snapshot is taken at 09:00:00 (the injected clock); PITR reaches it five minutes later
    // (10 polls of 30 s), the restore is requested then and is ACTIVE ten minutes after.
    const restoreCall = dynamo.commandCalls(RestoreTableToPointInTimeCommand)[0]!.args[0].input;
    expect(restoreCall).toMatchObject({
      SourceTableName: SOURCE,
      TargetTableName: SCRATCH,
      RestoreDateTime: START,
    });
    expect(record).toEqual({
      startedAt: '2026-11-23T09:00:00.000Z',
      finishedAt: '2026-11-23T09:15:00.000Z',
      result: 'pass',
      sourceTable: SOURCE,
      restoredToTime: '2026-11-23T09:00:00.000Z',
      rtoSeconds: 600,
      rpoSeconds: 300,
      itemsSource: 5,
      itemsRestored: 5,
      sampleSize: 3,
      sampleMismatches: 0,
    });
    expect(JSON.parse(output.stdout)).toMatchObject({
      result: 'pass',
      cleanup: 'deleted',
      scratchTable: SCRATCH,
    });
    expect(dynamo.commandCalls(DeleteTableCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: SCRATCH },
    ]);
    // Counted with Select COUNT over three pages of each table (before and after the sample, and the copy).
    expect(dynamo.commandCalls(ScanCommand).filter((c) => c.args[0].input.Select === 'COUNT').length).toBe(9);
    expect(output.stderr).toContain(`${SCRATCH}: CREATING`);
  });

  it('R7.5 a count mismatch fails the drill (exit 3), names the difference, records fail, still deletes the scratch table', async () => {
    const changed = SOURCE_ITEMS.slice(0, 4).map((i, n) => (n === 1 ? { ...i, name: { S: 'other' } } : i));
    restoreSucceeds(changed);
    expect(await runCli(['--env', 'staging', 'drill', 'restore'])).toBe(3);
    const record = stored();
    expect(record).toMatchObject({
      result: 'fail',
      itemsSource: 5,
      itemsRestored: 4,
      sampleSize: 3,
      sampleMismatches: 1,
    });
    expect(record.reason).toBe(
      'item count 4 restored vs 5 in the source at 2026-11-23T09:00:00.000Z; 1 of 3 sampled items differ',
    );
    expect(output.stdout).toContain('Restore drill FAIL');
    expect(output.stdout).toMatch(/differs: .*CLIENT#c2.*: name/);
    expect(output.stdout).toContain(`Scratch table ${SCRATCH} deleted.`);
    expect(dynamo.commandCalls(DeleteTableCommand)).toHaveLength(1);
  });

  it('R7.5 a restore that fails is recorded as fail (exit 3), and nothing is left behind', async () => {
    dynamo
      .on(DescribeTableCommand, { TableName: SCRATCH })
      .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    dynamo
      .on(RestoreTableToPointInTimeCommand)
      .rejects(Object.assign(new Error('Subscriber limit exceeded'), { name: 'LimitExceededException' }));
    expect(await runCli(['--env', 'staging', 'drill', 'restore'])).toBe(3);
    const record = stored();
    expect(record.result).toBe('fail');
    expect(record.reason).toMatch(/too many table operations under way/);
    expect(output.stdout).toContain('No scratch table was created.');
    expect(dynamo.commandCalls(DeleteTableCommand)).toHaveLength(0);
  });

  it('R7.5 a scratch table that cannot be deleted is said, with exit 3 on a failed drill; --keep keeps it', async () => {
    restoreSucceeds(SOURCE_ITEMS.slice(0, 4));
    dynamo
      .on(DeleteTableCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    expect(await runCli(['--env', 'staging', 'drill', 'restore'])).toBe(3);
    expect(output.stdout).toContain(`Deleting the scratch table ${SCRATCH} FAILED (AccessDeniedException`);
    expect(stored().result).toBe('fail');
  });

  it('R7.5 --keep keeps the scratch table of a passing drill', async () => {
    restoreSucceeds(SOURCE_ITEMS);
    expect(await runCli(['--env', 'staging', 'drill', 'restore', '--keep'])).toBe(0);
    expect(dynamo.commandCalls(DeleteTableCommand)).toHaveLength(0);
    expect(output.stdout).toContain(`Scratch table ${SCRATCH} kept (--keep)`);
  });

  it('R7.5 production is refused without --allow-production; local is a usage error', async () => {
    expect(await runCli(['--env', 'production', 'drill', 'restore'])).toBe(2);
    expect(output.stderr).toMatch(/pass --allow-production/);
    expect(await runCli(['drill', 'restore'])).toBe(2);
    expect(dynamo.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('R7.5 Ctrl-C during the restore fails the drill (exit 3), records it, and says the scratch table can only be deleted once restored', async () => {
    restoreSucceeds(SOURCE_ITEMS);
    vi.mocked(recoveryClock.sleep).mockImplementation(async (ms, signal) => {
      if (signal?.aborted)
        throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      now += ms;
      // Interrupted once the restore is under way.
      if (dynamo.commandCalls(RestoreTableToPointInTimeCommand).length > 0) process.emit('SIGINT');
    });
    // AWS refuses to delete a table that is still being restored.
    dynamo
      .on(DeleteTableCommand)
      .rejects(Object.assign(new Error('Table is being created'), { name: 'ResourceInUseException' }));
    expect(await runCli(['--env', 'staging', 'drill', 'restore'])).toBe(3);
    const record = stored();
    expect(record.result).toBe('fail');
    expect(record.reason).toMatch(/^interrupted: stopped waiting for/);
    expect(output.stdout).toContain(
      `it is still being restored (ResourceInUseException); once it is ACTIVE: aws dynamodb delete-table --table-name ${SCRATCH}`,
    );
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
