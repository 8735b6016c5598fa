import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveIterators, settledCount } from '../support/level-iterators.ts';
import { jsonPost, startTestRuntime, type TestRuntime, validProject } from '../support/local-app.ts';

let rt: TestRuntime;
const created: string[] = [];
beforeAll(async () => {
  rt = await startTestRuntime({ workers: false });
  for (let i = 0; i < 45; i++) {
    const { body } = await rt.json<{ id: string }>(
      '/api/projects',
      jsonPost({ ...validProject, name: `P${i}` }),
    );
    created.push(body.id);
  }
});
afterAll(async () => {
  await rt?.close();
});

/** Every page of the caller's projects, following nextCursor. */
async function walkPages(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const { res, body } = await rt.json<{ items: { id: string }[]; nextCursor?: string }>(
      `/api/projects?limit=20${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    ids.push(...body.items.map((p) => p.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

describe('GET /api/projects across many pages', () => {
  it('keeps nothing per request: every page read closes its store iterator', async () => {
    // Newest first, every project once, over three pages.
    expect(await walkPages()).toEqual([...created].reverse());
    const baseline = liveIterators();
    for (let i = 0; i < 15; i++) await walkPages();
    // Before the dynalite patch each page kept its iterator (and its read-ahead): 90 more here.
    expect(await settledCount(baseline)).toBeLessThanOrEqual(baseline);
  });
});
