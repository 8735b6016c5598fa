import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ClaimResult,
  IdempotencyRecord,
  ProjectPage,
  ProjectRepository,
  ProjectState,
} from '../../app/ports.ts';
import type { Lease } from '../../domain/pipeline.ts';
import type { Project } from '../../domain/project.ts';
import { isConditionalCheckFailed, pickFields } from '../dynamodb/client.ts';
import { DATA_TABLE, keys } from '../dynamodb/tables.ts';

const PROJECT_FIELDS = [
  'id',
  'clientId',
  'name',
  'type',
  'description',
  'status',
  'stage',
  'version',
  'createdAt',
  'updatedAt',
  'failure',
  'history',
  'canary',
] as const;

/** How long a canary project lives before DynamoDB's TTL deletes it. */
export const CANARY_PROJECT_TTL_SECONDS = 24 * 60 * 60;

/** Index attributes that track unfinished projects; absent once a project is finished. */
function activeIndexKeys(project: Project) {
  // A canary project never runs: the sweeper and the running cap must not see it.
  if (project.canary) return {};
  if (project.status === 'completed' || project.status === 'failed') return {};
  return {
    GSI1PK: keys.activeProjects,
    GSI1SK: `${project.updatedAt}#${project.clientId}#${project.id}`,
    GSI2PK: keys.activeForClient(project.clientId),
    GSI2SK: project.id,
  };
}

function projectItem(project: Project, lease?: Lease) {
  return {
    PK: keys.client(project.clientId),
    SK: keys.project(project.id),
    entity: 'project',
    ...project,
    ...activeIndexKeys(project),
    ...(project.canary && {
      [DATA_TABLE.ttlAttribute]:
        Math.floor(Date.parse(project.createdAt) / 1000) + CANARY_PROJECT_TTL_SECONDS,
    }),
    ...(lease && { lease }),
  };
}

const toProject = (item: Record<string, unknown>) => pickFields<Project>(item, PROJECT_FIELDS);

/** Projects live in their client's partition, so every read is tenant-scoped by construction. */
export class DynamoProjectRepository implements ProjectRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(project: Project): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: projectItem(project),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async get(clientId: string, projectId: string): Promise<Project | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: keys.client(clientId), SK: keys.project(projectId) },
        ConsistentRead: true,
      }),
    );
    return Item ? toProject(Item) : undefined;
  }

  async getState(clientId: string, projectId: string): Promise<ProjectState | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: keys.client(clientId), SK: keys.project(projectId) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return { project: toProject(Item), ...(Item.lease && { lease: Item.lease as Lease }) };
  }

  async save(state: ProjectState, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: projectItem(state.project, state.lease),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async listActive(before: string, limit: number, after?: string) {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DATA_TABLE.gsi1.name,
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before',
        ExpressionAttributeValues: { ':pk': keys.activeProjects, ':before': before },
        Limit: limit,
        ...(after !== undefined && { ExclusiveStartKey: JSON.parse(after) as Record<string, unknown> }),
      }),
    );
    return {
      items: Items.map((i) => ({
        clientId: String(i.clientId),
        projectId: String(i.id),
        updatedAt: String(i.updatedAt),
      })),
      ...(LastEvaluatedKey && { next: JSON.stringify(LastEvaluatedKey) }),
    };
  }

  async getIdempotencyRecord(
    clientId: string,
    key: string,
    now: Date,
  ): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: keys.client(clientId), SK: keys.idempotency(key) },
        ConsistentRead: true,
      }),
    );
    if (!Item || Number(Item.expiresAt) < Math.floor(now.getTime() / 1000)) return undefined;
    return {
      clientId,
      key,
      requestHash: String(Item.requestHash),
      projectId: String(Item.projectId),
      createdAt: String(Item.createdAt),
      expiresAt: Number(Item.expiresAt),
    };
  }

  async list(clientId: string, opts: { limit: number; afterId?: string }): Promise<ProjectPage> {
    // One extra item tells whether another page exists without a second round trip.
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.client(clientId), ':prefix': keys.projectPrefix },
        ScanIndexForward: false,
        // A client lists right after creating: the new project must be in the list.
        ConsistentRead: true,
        Limit: opts.limit + 1,
        ...(opts.afterId && {
          ExclusiveStartKey: { PK: keys.client(clientId), SK: keys.project(opts.afterId) },
        }),
      }),
    );
    const items = Items.slice(0, opts.limit).map(toProject);
    const hasMore = Items.length > opts.limit;
    return hasMore ? { items, lastId: items.at(-1)?.id } : { items };
  }

  async claimIdempotencyKey(record: IdempotencyRecord, now: Date): Promise<ClaimResult> {
    const key = { PK: keys.client(record.clientId), SK: keys.idempotency(record.key) };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: 'idempotency', ...record, ttl: record.expiresAt },
          // An expired claim may be taken over: TTL deletion is lazy in AWS and absent locally.
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // The claim is held; if it vanished or expired since, try again.
    const existing = await this.getIdempotencyRecord(record.clientId, record.key, now);
    return existing ? { claimed: false, existing } : this.claimIdempotencyKey(record, now);
  }
}
