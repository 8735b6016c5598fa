import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY_PROJECT_TTL_SECONDS,
  DynamoProjectRepository,
} from '../../src/adapters/aws/project-repository.ts';
import { createDocumentClient } from '../../src/adapters/dynamodb/client.ts';
import { DATA_TABLE, keys } from '../../src/adapters/dynamodb/tables.ts';
import {
  type EmbeddedStore,
  ensureTables,
  startEmbeddedStore,
} from '../../src/adapters/local/embedded-dynamo.ts';
import { newProjectId } from '../../src/domain/ids.ts';
import { newProject } from '../../src/domain/project.ts';

const TABLE = 'repo-test-data';
let store: EmbeddedStore;
let repo: DynamoProjectRepository;
let db: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  store = await startEmbeddedStore({});
  await ensureTables(store.endpoint, { data: TABLE, counters: 'repo-test-counters' });
  db = createDocumentClient({ endpoint: store.endpoint });
  repo = new DynamoProjectRepository(db, TABLE);
});

afterAll(async () => {
  db.destroy();
  await store.close();
});

const input = { name: 'p', type: 'api' as const, description: 'd' };
const make = (clientId: string, now = new Date()) =>
  newProject({ id: newProjectId(now), clientId, input, now });

describe('DynamoProjectRepository against dynalite', () => {
  it('creates a project once: a second create with the same id is refused (conditional write)', async () => {
    const project = make('c-cond');
    expect(await repo.create(project)).toBe(true);
    expect(await repo.create({ ...project, name: 'other' })).toBe(false);
    expect((await repo.get('c-cond', project.id))?.name).toBe('p');
  });

  it('R11.3 a canary project carries a TTL a day after creation and never enters the active-project index', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const project = newProject({ id: newProjectId(now), clientId: 'c-canary', input, now, canary: true });
    expect(await repo.create(project)).toBe(true);
    const { Item } = await db.send(
      new GetCommand({
        TableName: TABLE,
        Key: { PK: keys.client('c-canary'), SK: keys.project(project.id) },
      }),
    );
    expect(Item?.[DATA_TABLE.ttlAttribute]).toBe(now.getTime() / 1000 + CANARY_PROJECT_TTL_SECONDS);
    expect(Item?.GSI1PK).toBeUndefined();
    expect(Item?.GSI2PK).toBeUndefined();
    expect(await repo.get('c-canary', project.id)).toEqual(project);
    // An ordinary unfinished project is indexed and has no TTL.
    const ordinary = make('c-canary', now);
    await repo.create(ordinary);
    const { Item: plain } = await db.send(
      new GetCommand({
        TableName: TABLE,
        Key: { PK: keys.client('c-canary'), SK: keys.project(ordinary.id) },
      }),
    );
    expect(plain?.[DATA_TABLE.ttlAttribute]).toBeUndefined();
    expect(plain?.GSI1PK).toBe(keys.activeProjects);
  });

  it('reads are tenant-scoped: another client cannot get the project', async () => {
    const project = make('c-owner');
    await repo.create(project);
    expect(await repo.get('c-other', project.id)).toBeUndefined();
    expect(await repo.get('c-owner', project.id)).toEqual(project);
  });

  it('lists newest first across pages with no duplicates or gaps', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) {
      const p = make('c-pages');
      await repo.create(p);
      created.push(p.id);
    }
    const seen: string[] = [];
    let afterId: string | undefined;
    let pages = 0;
    do {
      const page = await repo.list('c-pages', { limit: 3, afterId });
      seen.push(...page.items.map((p) => p.id));
      afterId = page.lastId;
      pages++;
    } while (afterId);
    expect(seen).toEqual([...created].reverse());
    expect(pages).toBe(3);
  });

  it('the last page has no lastId even when it is exactly full', async () => {
    for (let i = 0; i < 2; i++) await repo.create(make('c-exact'));
    const page = await repo.list('c-exact', { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.lastId).toBeUndefined();
  });

  it('idempotency: the first claim wins, later claims see it', async () => {
    const now = new Date();
    const rec = {
      clientId: 'c-idem',
      key: 'k1',
      requestHash: 'h1',
      projectId: 'p1',
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + 60,
    };
    expect(await repo.claimIdempotencyKey(rec, now)).toEqual({ claimed: true });
    const second = await repo.claimIdempotencyKey({ ...rec, requestHash: 'h2', projectId: 'p2' }, now);
    expect(second).toEqual({ claimed: false, existing: rec });
  });

  it('idempotency: concurrent claims of one key have exactly one winner', async () => {
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repo.claimIdempotencyKey(
          {
            clientId: 'c-race',
            key: 'same',
            requestHash: `h${i}`,
            projectId: `p${i}`,
            createdAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + 60,
          },
          now,
        ),
      ),
    );
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('idempotency: an expired claim can be taken over (TTL deletion is lazy or absent)', async () => {
    const then = new Date('2026-01-01T00:00:00Z');
    const base = { clientId: 'c-exp', key: 'k', createdAt: then.toISOString() };
    await repo.claimIdempotencyKey(
      { ...base, requestHash: 'old', projectId: 'p-old', expiresAt: Math.floor(then.getTime() / 1000) + 10 },
      then,
    );
    const later = new Date(then.getTime() + 60_000);
    const claim = await repo.claimIdempotencyKey(
      { ...base, requestHash: 'new', projectId: 'p-new', expiresAt: Math.floor(later.getTime() / 1000) + 10 },
      later,
    );
    expect(claim).toEqual({ claimed: true });
  });
});
