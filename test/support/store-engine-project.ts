/**
 * The vitest project that runs the store-facing tests a second time, against Amazon DynamoDB Local
 * (see store-engine.ts). Listed in vitest.config.ts's `projects`; it does not extend the root config
 * so that its `include` replaces the root's instead of being merged with it.
 */
export const STORE_TESTS = [
  'test/adapters/keys-and-counters.test.ts',
  'test/adapters/local-queue.test.ts',
  'test/adapters/project-repository.test.ts',
  'test/app/pipeline.test.ts',
  'test/http/api.test.ts',
  'test/http/auth-ratelimit.test.ts',
  'test/http/lambda.test.ts',
  'test/http/property.test.ts',
  'test/workers/lambda-entries.test.ts',
  'test/e2e/cli-aws.test.ts',
];

export const dynamoDbLocalProject = {
  test: {
    name: 'dynamodb-local',
    include: STORE_TESTS,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', STORE_ENGINE: 'dynamodb-local' },
    setupFiles: ['test/support/store-engine-setup.ts'],
    pool: 'forks' as const,
    // A JVM per store, started in hooks or in the test itself: slow on a busy machine. Guards, not
    // measurements.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
};
