import {
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoKeyRepository } from '../../src/adapters/aws/key-repository.ts';
import { DynamoProjectRepository } from '../../src/adapters/aws/project-repository.ts';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import { Authenticator } from '../../src/app/authenticator.ts';
import { KeyAdmin } from '../../src/app/key-admin.ts';
import type { Peppers } from '../../src/app/ports.ts';
import { newProjectId } from '../../src/domain/ids.ts';
import { newProject } from '../../src/domain/project.ts';
import { manualClock } from '../support/local-app.ts';

/**
 * A table that behaves like DynamoDB right after a write: the write is on the leader, and an
 * eventually consistent read (the default) goes to a replica that has not seen it yet. Both local
 * engines are strongly consistent and hide this; here only `ConsistentRead: true` sees the item.
 */
function laggingTable() {
  const leader = new Map<string, Record<string, unknown>>();
  const replica = new Map<string, Record<string, unknown>>();
  const id = (key: Record<string, unknown>) => `${key.PK}|${key.SK}`;
  const ddb = mockClient(DynamoDBDocumentClient);
  ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
    const item = input.Item as Record<string, unknown>;
    if (input.ConditionExpression?.startsWith('attribute_not_exists(PK)') && leader.has(id(item))) {
      throw Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      });
    }
    leader.set(id(item), item);
    return {};
  });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => {
    const source = input.ConsistentRead ? leader : replica;
    return { Item: source.get(id(input.Key as Record<string, unknown>)) };
  });
  ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
    // A GSI query is always eventually consistent (DynamoDB rejects ConsistentRead on a GSI).
    if (input.IndexName && input.ConsistentRead)
      throw new Error('ValidationException: Consistent reads are not supported on global secondary indexes');
    const source = input.ConsistentRead ? leader : replica;
    const pk = (input.ExpressionAttributeValues as Record<string, unknown>)[':pk'];
    const prefix = (input.ExpressionAttributeValues as Record<string, unknown>)[':prefix'];
    const items = [...source.values()]
      .filter((i) => i.PK === pk && (prefix === undefined || String(i.SK).startsWith(String(prefix))))
      .sort((a, b) => (String(a.SK) < String(b.SK) ? 1 : -1));
    return { Items: items };
  });
  const replicate = () => {
    for (const [k, v] of leader) replica.set(k, v);
  };
  return { ddb, replicate };
}

const peppers: Peppers = {
  current: 1,
  byVersion: new Map([[1, Buffer.from('pepper-for-consistency-tests')]]),
};
const pepperSource = { load: async () => peppers };
const TABLE = 'agenticai-dev-data';

let table: ReturnType<typeof laggingTable>;
beforeEach(() => {
  table?.ddb.restore();
  table = laggingTable();
});

describe('reads that must see a write made a moment earlier (ConsistentRead)', () => {
  it('R1.2 a key is valid on its first use right after `keys create`, also for a new key of an existing client', async () => {
    const repo = new DynamoKeyRepository(createDocumentClient({ endpoint: 'http://127.0.0.1:9' }), TABLE);
    const clock = manualClock('2026-11-23T06:00:00Z');
    const audit = { record: async () => {} };
    const admin = new KeyAdmin(repo, pepperSource, audit, clock, 1000, 'test');
    const auth = new Authenticator(repo, pepperSource, clock);

    const created = await admin.createKey({ name: 'fresh' });
    const result = await auth.authenticate(created.key);
    expect(result.result).toBe('valid');
    // `keys create --client X` reads the client it was just given.
    const second = await admin.createKey({ name: 'second', clientId: created.clientId });
    expect((await auth.authenticate(second.key)).result).toBe('valid');

    const gets = table.ddb.commandCalls(GetCommand).map((c) => c.args[0].input);
    expect(gets.length).toBeGreaterThanOrEqual(3);
    for (const get of gets) expect(get).toMatchObject({ TableName: TABLE, ConsistentRead: true });
  });

  it('a project, its idempotency record and the project list are read consistently right after creation', async () => {
    const repo = new DynamoProjectRepository(createDocumentClient({ endpoint: 'http://127.0.0.1:9' }), TABLE);
    const now = new Date('2026-11-23T06:00:00Z');
    const project = newProject({
      id: newProjectId(now),
      clientId: 'c1',
      input: { name: 'n', type: 'api', description: 'd' },
      now,
    });
    expect(await repo.create(project)).toBe(true);
    expect((await repo.get('c1', project.id))?.id).toBe(project.id);
    expect((await repo.getState('c1', project.id))?.project.id).toBe(project.id);
    expect((await repo.list('c1', { limit: 10 })).items.map((p) => p.id)).toEqual([project.id]);

    const record = {
      clientId: 'c1',
      key: 'idem-1',
      requestHash: 'h',
      projectId: project.id,
      createdAt: now.toISOString(),
      expiresAt: 1_900_000_000,
    };
    expect(await repo.claimIdempotencyKey(record, now)).toEqual({ claimed: true });
    // A retry of the same request a moment later finds the claim (not a second project).
    expect(await repo.claimIdempotencyKey({ ...record, projectId: 'other' }, now)).toMatchObject({
      claimed: false,
      existing: { projectId: project.id },
    });
  });

  it('the lagging table is real: an eventually consistent read misses what was just written', async () => {
    const db = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });
    await db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'a', SK: 'b' } }));
    expect(
      (await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'a', SK: 'b' } }))).Item,
    ).toBeUndefined();
    table.replicate();
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'a', SK: 'b' } }))).Item).toEqual({
      PK: 'a',
      SK: 'b',
    });
  });
});
