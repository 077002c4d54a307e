import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

// The package stays CommonJS, so electron-vite emits CommonJS for main and preload: bin/kindred.js
// `require`s out/main/cli.js, piscina loads out/main/vision-worker.js, and a sandboxed preload must be
// a classic script.
const fromRoot = (path: string): string => resolve(__dirname, path);

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      // package.json dependencies (native better-sqlite3, sharp, onnxruntime-node, piscina, ...) are
      // loaded from node_modules at run time, never bundled.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: fromRoot('src/main/index.ts'),
          cli: fromRoot('src/main/cli/main.ts'),
          'vision-worker': fromRoot('src/main/vision/worker.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // A sandboxed preload can only require 'electron' and a few builtins: bundle everything else
      // (src/common in particular) into the one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: fromRoot('src/renderer'),
    build: {
      outDir: fromRoot('out/renderer'),
      rolldownOptions: { input: fromRoot('src/renderer/index.html') },
    },
    // Passed explicitly: with the root in src/renderer the plugin would not find the root svelte.config.mjs.
    plugins: [svelte({ configFile: fromRoot('svelte.config.mjs') })],
  },
});
