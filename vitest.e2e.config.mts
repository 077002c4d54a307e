import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the app in Debian's Chromium against `kindred serve` on a fixture library. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // One browser, one server, steps in order: the library changes from test to test.
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
  },
});
