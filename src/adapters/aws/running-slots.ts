import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunningSlots } from '../../app/ports.ts';
import { isConditionalCheckFailed } from '../dynamodb/client.ts';
import { keys } from '../dynamodb/tables.ts';

/**
 * One data-table item per client (`CLIENT#{id}`/`RUNNING`, in the client's partition) with a string set `ids` of its unfinished projects. Every
 * change is a single conditional UpdateItem (SPEC §5: no transactions); ADD and DELETE on a set are
 * idempotent, so a retried or duplicated write can neither count a project twice nor uncount it twice.
 */
export class DynamoRunningSlots implements RunningSlots {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(clientId: string) {
    return keys.runningProjects(clientId);
  }

  async acquire(clientId: string, projectId: string, cap: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(clientId),
          UpdateExpression: 'ADD ids :id',
          // An empty set is no attribute in DynamoDB: a client with no running project has no `ids`.
          ConditionExpression: 'attribute_not_exists(ids) OR size(ids) < :cap',
          ExpressionAttributeValues: { ':id': new Set([projectId]), ':cap': cap },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async hold(clientId: string, projectId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(clientId),
        UpdateExpression: 'ADD ids :id',
        ExpressionAttributeValues: { ':id': new Set([projectId]) },
      }),
    );
  }

  async release(clientId: string, projectId: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(clientId),
          UpdateExpression: 'DELETE ids :id',
          // Without the condition a release for an unknown client would create an empty item.
          ConditionExpression: 'contains(ids, :pid)',
          ExpressionAttributeValues: { ':id': new Set([projectId]), ':pid': projectId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async held(clientId: string): Promise<string[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(clientId), ConsistentRead: true }),
    );
    const ids = Item?.ids as Set<string> | undefined;
    return ids ? [...ids].sort() : [];
  }
}
