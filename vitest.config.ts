import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const EXCLUDE = ['**/node_modules/**', '**/dist/**', '**/*.jest.test.*', '**/*.node.test.*'];
const INTEGRATION = [
  'test/gateway/**/*.test.ts',
  'test/console/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/connectors/**/redis.test.ts',
  'test/connectors/**/lease.test.ts',
  'test/connectors/genesys/instances.test.ts',
  'examples/cognigy-extension/**/*.test.ts',
];

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
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two projects: `unit` needs nothing installed (no Redis, no browser, no build), so
    // `npx vitest run test/contract` works on a bare laptop; `integration` starts a private
    // redis-server (HANDOVER_TEST_REDIS_URL), drives Chromium and loads the built package.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...EXCLUDE, ...INTEGRATION],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: EXCLUDE,
          globalSetup: ['./test/setup/redis.ts'],
        },
      },
    ],
  },
});
