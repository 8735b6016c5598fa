import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Single-table design for the data table (see docs/ARCHITECTURE.md "Table design").
 * The CDK stack and the local bootstrap both build the table from these names, so they cannot drift.
 */
export const DATA_TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'ttl',
  gsi1: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
} as const;

export const keys = {
  client: (clientId: string) => `CLIENT#${clientId}`,
  project: (projectId: string) => `PROJECT#${projectId}`,
  projectPrefix: 'PROJECT#',
  idempotency: (key: string) => `IDEMPOTENCY#${key}`,
  healthProbe: { PK: 'HEALTH', SK: 'PROBE' },
} as const;

export function dataTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1 } = DATA_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi1.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.name,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
