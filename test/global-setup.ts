import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

/**
 * The vision workers and the `kindred` command run from the build (out/), and the models come
 * from the project's own converter: make both current before any test runs, so a test never
 * exercises stale code.
 */
export default function setup(): void {
  // For a quick run of tests that need neither (KINDRED_TEST_SKIP_SETUP=1 npx vitest run test/…).
  if (process.env.KINDRED_TEST_SKIP_SETUP === '1') return;
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const bin = (name: string) => path.join(root, 'node_modules', name);
  run([bin('tsx/dist/cli.mjs'), 'scripts/convert-models/index.ts']);
  run([bin('electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn']);
}
