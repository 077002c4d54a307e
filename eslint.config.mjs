// Lint rules, including the import boundaries of docs/ARCHITECTURE.md ("What may import what").
// The boundaries are enforced with `no-restricted-imports` so that a wrong import fails `npm run lint`
// instead of failing at run time in a process that cannot load it (a sandboxed preload, the renderer,
// the plain-Node CLI).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';
import svelteConfig from './svelte.config.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Every package.json dependency is a main-process (mostly native) module. */
const runtimeDependencies = Object.keys(pkg.dependencies ?? {});
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
/** The only node builtins a sandboxed preload can require. */
const sandboxedPreloadBuiltins = ['events', 'timers', 'url'];

/**
 * Matches a relative import that climbs up (`../`) into one of `folders`, optionally through `via`
 * (`../../main/ipc`). Requiring the climb keeps a sub-folder that happens to share a name legal; a
 * path-based rule cannot know how deep the importing file is, so this matches by folder name.
 */
const climbsInto = (folders, via) => `^(?:\\.\\./)+(?:${via}/)?(?:${folders.join('|')})(?:/|$)`;

const ELECTRON = {
  regex: '^electron(?:/|$)',
  message: "Only src/main/index.ts, src/main/platform and src/preload may import 'electron'.",
};
const nodeOnly = (where) => [
  {
    group: ['node:*', ...nodeBuiltins, ...nodeBuiltins.map((name) => `${name}/*`)],
    message: `${where} never imports node builtins.`,
  },
  ...(runtimeDependencies.length
    ? [{ group: runtimeDependencies, message: `${where} never imports main-process packages.` }]
    : []),
];
const ENTRY_ONLY = ['cli', 'server', 'ipc', 'platform'];
const entryOnly = (allowed = []) => {
  const banned = ENTRY_ONLY.filter((folder) => !allowed.includes(folder));
  return {
    regex: climbsInto(banned, 'main'),
    message: `Only the entry points (src/main/index.ts, src/main/cli/main.ts) import src/main/{${banned.join(',')}}.`,
  };
};
const NOT_FROM_MAIN_TO_UI = {
  regex: climbsInto(['renderer', 'preload'], 'src'),
  message: 'The main process never imports renderer or preload code.',
};

/** One config object per folder: for a given file the last matching rule setting wins, so never overlap. */
const boundary = (files, patterns, ignores = []) => ({
  name: `kindred/boundaries:${files.join(',')}`,
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const SOURCES = ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'];
const inFolder = (folder) => SOURCES.map((glob) => `${folder}/${glob}`);
const ENTRY_FOLDERS = ['platform', 'ipc', 'cli', 'server'].flatMap((folder) =>
  inFolder(`src/main/${folder}`),
);

const boundaries = [
  boundary(inFolder('src/common'), [
    { regex: '^(?!\\.{1,2}/)', message: 'src/common imports nothing but itself.' },
    {
      regex: climbsInto(['main', 'renderer', 'preload', 'test', 'scripts', 'bench'], 'src'),
      message: 'src/common imports nothing but itself.',
    },
  ]),
  boundary(inFolder('src/renderer'), [
    { ...ELECTRON, message: "The renderer never imports 'electron': it talks to window.kindred." },
    ...nodeOnly('The renderer'),
    {
      regex: climbsInto(['main', 'preload'], 'src'),
      message: 'The renderer imports only src/common and itself.',
    },
  ]),
  boundary(inFolder('src/preload'), [
    {
      group: [
        'node:*',
        ...nodeBuiltins.filter((name) => !sandboxedPreloadBuiltins.includes(name)),
        ...runtimeDependencies,
      ],
      message: "A sandboxed preload can only require 'electron' and a few builtins.",
    },
    {
      regex: climbsInto(['main', 'renderer'], 'src'),
      message: 'The preload imports only src/common and itself.',
    },
  ]),
  boundary(['src/main/index.ts'], [NOT_FROM_MAIN_TO_UI]),
  boundary(inFolder('src/main/platform'), [NOT_FROM_MAIN_TO_UI, entryOnly(['platform'])]),
  boundary(inFolder('src/main/ipc'), [NOT_FROM_MAIN_TO_UI, ELECTRON, entryOnly(['ipc'])]),
  boundary(['src/main/cli/main.ts'], [NOT_FROM_MAIN_TO_UI, ELECTRON]),
  boundary(
    inFolder('src/main/cli'),
    [NOT_FROM_MAIN_TO_UI, ELECTRON, entryOnly(['cli'])],
    ['src/main/cli/main.ts'],
  ),
  boundary(inFolder('src/main/server'), [NOT_FROM_MAIN_TO_UI, ELECTRON, entryOnly(['server'])]),
  // Everything else in src/main: services, repositories, db, scanner, vision, people, export.
  boundary(
    inFolder('src/main'),
    [NOT_FROM_MAIN_TO_UI, ELECTRON, entryOnly()],
    ['src/main/index.ts', ...ENTRY_FOLDERS],
  ),
];

export default defineConfig(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'models/**',
      'coverage/**',
      '.vitest-attachments/**',
      '**/__screenshots__/**',
      '**/*.generated.*',
      '**/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.svelte'],
        svelteConfig,
      },
    },
  },
  {
    // TypeScript checks undefined names better than ESLint, which does not know the DOM or Node globals.
    files: ['**/*.ts', '**/*.mts', '**/*.svelte', '**/*.mjs', '**/*.js', '**/*.cjs'],
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // A deferred transaction that reads before it writes fails at once, without waiting, when
    // another process holds the write lock (src/main/db/write-transaction.ts says why).
    name: 'kindred/write-transactions',
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/db/write-transaction.ts', 'src/main/db/migrate.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message:
            'Write in writeTransaction(db, work) from src/main/db/write-transaction.ts, which takes the lock first.',
        },
      ],
    },
  },
  ...boundaries,
  ...svelte.configs.prettier,
  prettier,
);
