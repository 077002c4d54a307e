import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

const COMPONENT_TESTS = 'test/renderer/components/**/*.test.ts';

export default defineConfig({
  // Compiles the renderer's runes (`*.svelte.ts` state classes) and components for their tests.
  plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') })],
  test: {
    // Model inference on 2 cores is slow enough that the defaults are too tight.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', COMPONENT_TESTS],
          environment: 'node',
        },
      },
      {
        // Components mount in jsdom with Svelte's browser build (svelteTesting adds the `browser`
        // resolve condition and unmounts after each test); only here, so the main process's
        // tests keep Node's resolution.
        extends: true,
        plugins: [svelteTesting()],
        test: { name: 'components', include: [COMPONENT_TESTS], environment: 'jsdom' },
      },
    ],
  },
});
