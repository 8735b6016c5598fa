import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { KeyRepository } from '../../app/ports.ts';
import type { ApiKeyRecord, ClientRecord } from '../../domain/api-key.ts';
import { isConditionalCheckFailed, pickFields } from '../dynamodb/client.ts';
import { DATA_TABLE, keys } from '../dynamodb/tables.ts';

const KEY_FIELDS = [
  'keyId',
  'clientId',
  'name',
  'status',
  'hash',
  'hashVersion',
  'createdAt',
  'expiresAt',
  'revokedAt',
  'lastUsedAt',
  'rotatedTo',
] as const;
const CLIENT_FIELDS = ['clientId', 'name', 'hourlyLimit', 'createdAt', 'canary'] as const;

/** Keys and clients in the data table (see docs/ARCHITECTURE.md): one item each, listed through GSI1. */
export class DynamoKeyRepository implements KeyRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // Strongly consistent: a key is used (and a client extended) right after it is created, and an
  // eventually consistent read could still miss it — a 403 for a key the caller was just given.
  async getKey(keyId: string) {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.apiKey(keyId), ConsistentRead: true }),
    );
    return Item ? pickFields<ApiKeyRecord>(Item, KEY_FIELDS) : undefined;
  }

  async getClient(clientId: string) {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.clientMeta(clientId), ConsistentRead: true }),
    );
    return Item ? pickFields<ClientRecord>(Item, CLIENT_FIELDS) : undefined;
  }

  putKey(key: ApiKeyRecord) {
    return this.putNew({
      ...keys.apiKey(key.keyId),
      entity: 'apiKey',
      [DATA_TABLE.gsi1.partitionKey]: keys.allKeys,
      [DATA_TABLE.gsi1.sortKey]: `${key.createdAt}#${key.keyId}`,
      ...key,
    });
  }

  putClient(client: ClientRecord) {
    return this.putNew({
      ...keys.clientMeta(client.clientId),
      entity: 'client',
      [DATA_TABLE.gsi1.partitionKey]: keys.allClients,
      [DATA_TABLE.gsi1.sortKey]: `${client.createdAt}#${client.clientId}`,
      ...client,
    });
  }

  async listKeys() {
    return (await this.listIndex(keys.allKeys)).map((i) => pickFields<ApiKeyRecord>(i, KEY_FIELDS));
  }

  async listClients() {
    return (await this.listIndex(keys.allClients)).map((i) => pickFields<ClientRecord>(i, CLIENT_FIELDS));
  }

  async updateKey(
    keyId: string,
    changes: Partial<Pick<ApiKeyRecord, 'status' | 'revokedAt' | 'expiresAt' | 'rotatedTo'>>,
    opts: { activeAt?: string } = {},
  ) {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    let condition = 'attribute_exists(PK)';
    if (opts.activeAt) {
      names['#status'] = 'status';
      names['#expiresAt'] = 'expiresAt';
      values[':active'] = 'active';
      values[':at'] = opts.activeAt;
      condition += ' AND #status = :active AND (attribute_not_exists(#expiresAt) OR #expiresAt > :at)';
    }
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.apiKey(keyId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  setClientLimit(clientId: string, hourlyLimit: number) {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.clientMeta(clientId),
        UpdateExpression: 'SET hourlyLimit = :limit',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':limit': hourlyLimit },
      }),
    );
  }

  async touchKey(keyId: string, at: string, notBefore: string) {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.apiKey(keyId),
        UpdateExpression: 'SET lastUsedAt = :at',
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :notBefore)',
        ExpressionAttributeValues: { ':at': at, ':notBefore': notBefore },
      }),
    );
  }

  async anyKeyExists() {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DATA_TABLE.gsi1.name,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.allKeys },
        Limit: 1,
      }),
    );
    return Items.length > 0;
  }

  private async listIndex(partition: string) {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: DATA_TABLE.gsi1.name,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      },
    ))
      items.push(...(page.Items ?? []));
    return items;
  }

  private async putNew(item: Record<string, unknown>) {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
