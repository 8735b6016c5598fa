import { describe, expect, it } from 'vitest';
import { canonicalHash, isProjectId, newProjectId } from '../../src/domain/ids.ts';
import { decodeCursor, encodeCursor } from '../../src/domain/pagination.ts';
import { CreateProjectInput, newProject, PROJECT_TYPES } from '../../src/domain/project.ts';

const valid = { name: 'Todo API', type: 'api', description: 'A REST API' };

describe('CreateProjectInput', () => {
  it.each(PROJECT_TYPES)('accepts type %s', (type) => {
    expect(CreateProjectInput.safeParse({ ...valid, type }).success).toBe(true);
  });

  it('accepts the boundary lengths: name 100, description 4000', () => {
    const parsed = CreateProjectInput.parse({
      ...valid,
      name: 'n'.repeat(100),
      description: 'd'.repeat(4000),
    });
    expect(parsed.name).toHaveLength(100);
  });

  it.each([
    ['empty name', { ...valid, name: '' }, 'name'],
    ['blank name', { ...valid, name: '   ' }, 'name'],
    ['name of 101 chars', { ...valid, name: 'n'.repeat(101) }, 'name'],
    ['description of 4001 chars', { ...valid, description: 'd'.repeat(4001) }, 'description'],
    ['unknown type', { ...valid, type: 'game' }, 'type'],
    ['numeric name', { ...valid, name: 5 }, 'name'],
    ['missing description', { name: 'x', type: 'api' }, 'description'],
  ])('rejects %s', (_label, input, field) => {
    const result = CreateProjectInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });

  it('rejects unknown fields', () => {
    const result = CreateProjectInput.safeParse({ ...valid, owner: 'me' });
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('trims surrounding whitespace', () => {
    expect(CreateProjectInput.parse({ ...valid, name: '  x  ' }).name).toBe('x');
  });
});

describe('newProject', () => {
  it('starts queued at version 0 with no stage and empty history', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    const project = newProject({ id: 'id1', clientId: 'c1', input: CreateProjectInput.parse(valid), now });
    expect(project).toMatchObject({ status: 'queued', stage: null, version: 0, history: [] });
    expect(project.createdAt).toBe('2026-01-02T03:04:05.000Z');
  });
});

describe('ids', () => {
  it('sort in creation order, even within one millisecond', () => {
    const now = new Date();
    const ids = Array.from({ length: 50 }, () => newProjectId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every(isProjectId)).toBe(true);
  });

  it('canonicalHash ignores key order but not values', () => {
    expect(canonicalHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      canonicalHash({ b: [1, { d: 3, c: 2 }], a: 1 }),
    );
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });
});

describe('cursors', () => {
  it('round-trip a project id', () => {
    const id = newProjectId(new Date());
    expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it.each(['not-a-cursor', encodeCursor('PROJECT#x'), '%%%'])('reject %s with invalid_cursor', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({ code: 'invalid_cursor', status: 400 }),
    );
  });
});
