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
  /** Unfinished projects per client (running-project caps). */
  gsi2: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
} as const;

/** Rate-limit windows: ephemeral, one item per client per UTC hour, removed by TTL. */
export const COUNTERS_TABLE = { partitionKey: 'PK', ttlAttribute: 'ttl' } as const;

export const keys = {
  client: (clientId: string) => `CLIENT#${clientId}`,
  project: (projectId: string) => `PROJECT#${projectId}`,
  projectPrefix: 'PROJECT#',
  idempotency: (key: string) => `IDEMPOTENCY#${key}`,
  healthProbe: { PK: 'HEALTH', SK: 'PROBE' },
  apiKey: (keyId: string) => ({ PK: `KEY#${keyId}`, SK: 'KEY' }),
  clientMeta: (clientId: string) => ({ PK: `CLIENT#${clientId}`, SK: 'CLIENT' }),
  /** GSI1 partitions for admin listings. */
  allKeys: 'KEYS',
  allClients: 'CLIENTS',
  audit: (day: string) => `AUDIT#${day}`,
  counter: (clientId: string, windowId: string) => `${clientId}#${windowId}`,
  /** Data-table item holding the ids of a client's unfinished projects (the running cap). */
  runningProjects: (clientId: string) => ({ PK: `CLIENT#${clientId}`, SK: 'RUNNING' }),
  /** GSI1 partition of every unfinished project (the sweeper's worklist). */
  activeProjects: 'ACTIVE',
  activeForClient: (clientId: string) => `ACTIVE#${clientId}`,
} as const;

export function dataTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1, gsi2 } = DATA_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi1.sortKey, AttributeType: 'S' },
      { AttributeName: gsi2.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi2.sortKey, AttributeType: 'S' },
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
      {
        IndexName: gsi2.name,
        KeySchema: [
          { AttributeName: gsi2.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi2.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

export function countersTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: COUNTERS_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: COUNTERS_TABLE.partitionKey, KeyType: 'HASH' }],
  };
}

/** The durable local stage queues (local mode only; SQS in AWS). */
export function localQueueTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
  };
}
