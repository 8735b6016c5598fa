import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRunningSlots } from '../../src/adapters/aws/running-slots.ts';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';

let store: EmbeddedStore;
let db: ReturnType<typeof createDocumentClient>;
let slots: DynamoRunningSlots;

beforeAll(async () => {
  store = await startEmbeddedStore({});
  await ensureTables(store.endpoint, { data: 'rs-data', counters: 'rs-counters' });
  db = createDocumentClient({ endpoint: store.endpoint });
  slots = new DynamoRunningSlots(db, 'rs-data');
});
afterAll(async () => {
  db.destroy();
  await store.close();
});

describe('DynamoRunningSlots (the running-projects cap)', () => {
  it('admits up to the cap, then refuses; adding or removing an id twice changes nothing', async () => {
    expect(await slots.acquire('c1', 'p1', 2)).toBe(true);
    expect(await slots.acquire('c1', 'p2', 2)).toBe(true);
    expect(await slots.acquire('c1', 'p3', 2)).toBe(false);
    expect(await slots.held('c1')).toEqual(['p1', 'p2']);
    expect(await slots.release('c1', 'p1')).toBe(true);
    expect(await slots.release('c1', 'p1')).toBe(false);
    await slots.hold('c1', 'p2');
    expect(await slots.held('c1')).toEqual(['p2']);
    // Emptied: the set attribute is gone, as in DynamoDB, and the first condition admits again.
    expect(await slots.release('c1', 'p2')).toBe(true);
    expect(await slots.held('c1')).toEqual([]);
    expect(await slots.acquire('c1', 'p4', 1)).toBe(true);
    // Other clients have their own set; a release for an unknown client writes nothing.
    expect(await slots.release('c2', 'p4')).toBe(false);
    expect(await slots.held('c2')).toEqual([]);
  });

  it('AWS request shapes: one conditional UpdateItem on a string set, consistent reads', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    const mock = mockClient(doc);
    mock.on(UpdateCommand).resolves({});
    mock.on(GetCommand).resolves({ Item: { ids: new Set(['b', 'a']) } });
    const aws = new DynamoRunningSlots(doc, 'data');
    try {
      expect(await aws.acquire('c', 'p', 5)).toBe(true);
      expect(await aws.held('c')).toEqual(['a', 'b']);
      const update = mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(update).toMatchObject({
        TableName: 'data',
        Key: { PK: 'CLIENT#c', SK: 'RUNNING' },
        UpdateExpression: 'ADD ids :id',
        ConditionExpression: 'attribute_not_exists(ids) OR size(ids) < :cap',
        ExpressionAttributeValues: { ':id': new Set(['p']), ':cap': 5 },
      });
      expect(mock.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
    } finally {
      mock.restore();
    }
  });
});
