import { defineConfig } from 'vitest/config';
import { dynamoDbLocalProject } from './test/support/store-engine-project.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: forks keep native modules (LevelDB) isolated per file without oversubscribing.
    pool: 'forks',
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // The store-facing tests run a second time against Amazon DynamoDB Local (test/support/store-engine.ts).
    projects: [{ extends: true, test: { name: 'dynalite' } }, dynamoDbLocalProject],
  },
});
