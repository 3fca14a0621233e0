import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the package by name, as users do, but run against the sources.
    alias: [
      { find: /^handover-kit\/connectors\/(.*)$/, replacement: here('./connectors/$1/index.ts') },
      { find: /^handover-kit\/contract$/, replacement: here('./src/contract/index.ts') },
      { find: /^handover-kit\/connector-utils$/, replacement: here('./src/connector-utils/index.ts') },
      { find: /^handover-kit\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^handover-kit\/gateway$/, replacement: here('./src/gateway/index.ts') },
      { find: /^handover-kit$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.jest.test.*', '**/*.node.test.*'],
    // A private redis-server for the gateway tests (HANDOVER_TEST_REDIS_URL).
    globalSetup: ['./test/setup/redis.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
