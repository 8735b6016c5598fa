import { vi } from 'vitest';

/**
 * Setup file of the `dynamodb-local` vitest project: every in-memory store a test starts (directly
 * or through the local composition) is Amazon DynamoDB Local instead of dynalite. Stores with a data
 * dir (the server's, the CLI's) stay dynalite: that is local mode itself, not a store under test.
 */
vi.mock('../../src/adapters/local/embedded-dynamo.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/adapters/local/embedded-dynamo.ts')>();
  const { selectedEngine, startDynamoDbLocal } = await import('./store-engine.ts');
  if (selectedEngine() !== 'dynamodb-local') return original;
  return {
    ...original,
    startEmbeddedStore: (opts: Parameters<typeof original.startEmbeddedStore>[0]) =>
      opts.dataDir ? original.startEmbeddedStore(opts) : startDynamoDbLocal(),
  };
});
