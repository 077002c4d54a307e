import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Shared by the renderer build (electron.vite.config.ts), svelte-check and eslint-plugin-svelte. */
export default {
  // Lets components use `<script lang="ts">`.
  preprocess: vitePreprocess(),
};
