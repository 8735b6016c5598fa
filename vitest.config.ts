import { defineConfig } from 'vitest/config';
import { dynamoDbLocalProject } from './test/support/store-engine-project.ts';

/**
 * Tests that start servers (the embedded store listens on loopback), spawn processes (the server,
 * the CLI binary) or synthesize the CDK app: slower, and the only ones that need the build. Every
 * other test file is a unit test, so a new file always lands in exactly one project.
 */
const INTEGRATION = [
  'test/e2e/**/*.test.ts',
  'test/infra/**/*.test.ts',
  'test/http/**/*.test.ts',
  'test/app/pipeline.test.ts',
  'test/adapters/keys-and-counters.test.ts',
  'test/adapters/local-queue.test.ts',
  'test/adapters/project-repository.test.ts',
];

export default defineConfig({
  test: {
    // Two cores: forks keep native modules (LevelDB) isolated per file without oversubscribing.
    pool: 'forks',
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: INTEGRATION,
          // Timeouts only catch hangs; nothing waits on them (docs/TESTING.md).
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          // Builds dist/ once, so the CLI and server the tests spawn start without compiling.
          globalSetup: ['test/support/build.ts'],
          // Generous: these only catch hangs. A loaded 2-core machine runs them several times slower.
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      // The store-facing tests again, against Amazon DynamoDB Local (test/support/store-engine.ts).
      dynamoDbLocalProject,
    ],
  },
});
