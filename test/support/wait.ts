/**
 * Polls until `check` returns a value. The timeout only turns a hang into a readable failure: it is
 * far above what any wait takes on a loaded machine, so no result depends on machine load
 * (docs/TESTING.md). Tests never wait a fixed time for something to happen.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  what = 'condition',
): Promise<T> {
  // Amazon DynamoDB Local (the dynamodb-local project) answers in milliseconds where dynalite takes
  // microseconds, and pipeline waits span thousands of calls: the guard is longer there.
  const deadline = Date.now() + timeoutMs * (process.env.STORE_ENGINE === 'dynamodb-local' ? 6 : 1);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
