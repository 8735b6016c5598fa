import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/local-app.ts';
import { startServer, tempDataDir } from '../support/server-process.ts';

describe('memory report for the soak benchmark (npm run bench:soak)', () => {
  it('with --expose-gc and AGENTICAI_COUNT_STORE_CALLS, SIGUSR2 logs the heap after a full GC and the RSS', async () => {
    const dir = await tempDataDir();
    const server = await startServer({
      AGENTICAI_DATA_DIR: dir,
      AGENTICAI_COUNT_STORE_CALLS: 'true',
      NODE_OPTIONS: '--expose-gc',
    });
    try {
      server.child.kill('SIGUSR2');
      const report = await waitFor(
        async () => server.logs().find((l) => l.event === 'memory'),
        20_000,
        'the memory report',
      );
      expect(report).toMatchObject({
        heapUsed: expect.any(Number),
        rss: expect.any(Number),
        external: expect.any(Number),
        arrayBuffers: expect.any(Number),
      });
      expect(report.rss as number).toBeGreaterThan(report.heapUsed as number);
      // The store-call counts come with it; the server keeps serving.
      expect(server.logs().some((l) => l.event === 'store_calls')).toBe(true);
      expect((await fetch(`${server.url}/health`)).status).toBe(401);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
