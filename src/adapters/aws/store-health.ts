import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { HealthCheck } from '../../app/ports.ts';
import { keys } from '../dynamodb/tables.ts';

/** A single-item read: proves the table is reachable with the same permissions the API uses. */
export function dynamoHealthCheck(db: DynamoDBDocumentClient, tableName: string): HealthCheck {
  return {
    name: 'store',
    async check() {
      await db.send(new GetCommand({ TableName: tableName, Key: keys.healthProbe }));
    },
  };
}
