import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './support/fixtures';

const root = path.resolve(__dirname, '..');

/**
 * The vision workers and the `kindred` command run from the build (out/), and the models come
 * from the project's own converter: make both current before any test runs, so a test never
 * exercises stale code.
 */
export default function setup(): void {
  // Every test reads real photos from the shared fixtures: without them, say so once, not in
  // hundreds of ENOENT failures.
  if (!fs.existsSync(path.join(FIXTURES, 'manifest.json'))) {
    throw new Error(
      `The face fixtures are not at ${FIXTURES}: the tests read ../shared/fixtures/faces beside the ` +
        'checkout; for a checkout elsewhere, set KINDRED_FIXTURES to that folder.',
    );
  }
  // For a quick run of tests that need neither (KINDRED_TEST_SKIP_SETUP=1 npx vitest run test/…).
  if (process.env.KINDRED_TEST_SKIP_SETUP === '1') return;
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const bin = (name: string) => path.join(root, 'node_modules', name);
  run([bin('tsx/dist/cli.mjs'), 'scripts/convert-models/index.ts']);
  run([bin('electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn']);
}
