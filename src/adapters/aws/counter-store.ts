import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CounterStore } from '../../app/ports.ts';
import { isConditionalCheckFailed } from '../dynamodb/client.ts';
import { keys } from '../dynamodb/tables.ts';

/**
 * SPEC §5: one conditional UpdateItem per request. The first request of a window creates the item
 * (`attribute_not_exists(n)`); a refused condition is a 429 and is not counted.
 */
export class DynamoCounterStore implements CounterStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(clientId: string, windowId: string, limit: number, expiresAt: number) {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: keys.counter(clientId, windowId) },
          UpdateExpression: 'ADD n :one SET #ttl = if_not_exists(#ttl, :expiry)',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiry': expiresAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.n);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /**
   * Deletes windows whose TTL has passed. DynamoDB does this itself; dynalite has no TTL, so local
   * mode runs this periodically. Returns how many items were removed.
   */
  async purgeExpired(nowSeconds: number): Promise<number> {
    let removed = 0;
    for await (const page of paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: '#ttl < :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': nowSeconds },
      },
    )) {
      for (const item of page.Items ?? []) {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: item.PK } }));
        removed++;
      }
    }
    return removed;
  }
}
