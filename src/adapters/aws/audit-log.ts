import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, Clock } from '../../app/ports.ts';
import { keys } from '../dynamodb/tables.ts';

/** Administrative actions, one item per action, partitioned by UTC day; kept 400 days. */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async record(entry: { action: string; actor: string; target: string; details?: Record<string, unknown> }) {
    const now = this.clock.now();
    const at = now.toISOString();
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          PK: keys.audit(at.slice(0, 10)),
          SK: `${at}#${randomUUID()}`,
          entity: 'audit',
          at,
          ...entry,
          ttl: Math.floor(now.getTime() / 1000) + 400 * 86_400,
        },
      }),
    );
  }
}
