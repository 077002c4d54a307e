import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's runes (`*.svelte.ts` state classes) for their unit tests.
  plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') })],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Model inference on 2 cores is slow enough that the defaults are too tight.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
