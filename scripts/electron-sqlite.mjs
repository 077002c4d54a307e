#!/usr/bin/env node
/**
 * `npm start` runs this first (prestart): it makes sure build/electron/better_sqlite3.node exists
 * and was built for the installed Electron and better-sqlite3, so the desktop app can open the
 * library while node_modules keeps the Node build that the CLI and the tests load.
 *
 * It works on a copy of the better-sqlite3 package (node_modules is never touched): first the
 * project's own prebuilt binary for Electron (prebuild-install, a download from GitHub), else a
 * compile against Electron's headers (node-gyp, which downloads them). Both need the internet once;
 * afterwards the stamp beside the binary makes this a no-op until Electron or better-sqlite3
 * changes. Kindred's build machines have neither the internet nor the Electron binary, so there it
 * says what is missing and stops `npm start`, which could not open a window anyway.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const outDir = path.join(root, 'build', 'electron');
const binding = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');

/** What the binary must match: rebuilt whenever one of these changes. */
export function wantedStamp() {
  const version = (name) => require(`${name}/package.json`).version;
  return {
    electron: version('electron'),
    betterSqlite3: version('better-sqlite3'),
    platform: process.platform,
    arch: process.arch,
  };
}

/** 'ready' when the binary there was built for `wanted`, else 'build'. */
export function plan(wanted, stampText, bindingExists) {
  if (!bindingExists || !stampText) return 'build';
  try {
    const stamp = JSON.parse(stampText);
    return Object.keys(wanted).every((key) => stamp[key] === wanted[key]) ? 'ready' : 'build';
  } catch {
    return 'build';
  }
}

function run(command, args, cwd) {
  // A `nodedir` in the user's npm config (npm passes it on as npm_config_nodedir) would make
  // node-gyp compile against that Node's headers: a binary Electron refuses to load.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir'),
  );
  const result = spawnSync(command, args, {
    cwd,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return result.status === 0;
}

/** node-gyp as npm ships it (npm start sets npm_execpath), else whatever npx finds. */
function nodeGyp() {
  const bundled =
    process.env.npm_execpath &&
    path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return bundled && fs.existsSync(bundled)
    ? { command: process.execPath, args: [bundled] }
    : { command: 'npx', args: ['--yes', 'node-gyp'] };
}

function build(wanted) {
  const work = path.join(outDir, 'work', 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(work), { recursive: true });
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  // The sources and binding.gyp, not the Node binary already built in node_modules.
  fs.cpSync(source, work, {
    recursive: true,
    filter: (file) => !file.startsWith(path.join(source, 'build')),
  });

  const target = ['--runtime=electron', `--target=${wanted.electron}`, `--arch=${wanted.arch}`];
  const prebuildInstall = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  console.log(
    `kindred: fetching better-sqlite3 ${wanted.betterSqlite3} built for Electron ${wanted.electron}…`,
  );
  let built = run(process.execPath, [prebuildInstall, ...target], work);
  if (!built) {
    console.log('kindred: no prebuilt binary; compiling it against Electron’s headers (node-gyp)…');
    const gyp = nodeGyp();
    built = run(
      gyp.command,
      [...gyp.args, 'rebuild', '--release', ...target, '--dist-url=https://electronjs.org/headers'],
      work,
    );
  }
  const made = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  const ok = built && fs.existsSync(made);
  if (ok) {
    fs.copyFileSync(made, binding);
    fs.writeFileSync(stampFile, `${JSON.stringify(wanted, null, 2)}\n`);
  }
  fs.rmSync(path.join(outDir, 'work'), { recursive: true, force: true });
  return ok;
}

function main() {
  if (process.env.KINDRED_SQLITE_BINDING) {
    if (fs.existsSync(process.env.KINDRED_SQLITE_BINDING)) return 0;
    console.error(
      `kindred: KINDRED_SQLITE_BINDING points at ${process.env.KINDRED_SQLITE_BINDING}, which does not exist.`,
    );
    return 1;
  }
  const wanted = wantedStamp();
  const stampText = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : undefined;
  if (plan(wanted, stampText, fs.existsSync(binding)) === 'ready') return 0;
  if (build(wanted)) {
    console.log(`kindred: ${path.relative(root, binding)} is ready for Electron ${wanted.electron}.`);
    return 0;
  }
  console.error(
    [
      `kindred: could not make better-sqlite3 for Electron ${wanted.electron}, which the desktop app needs.`,
      'Both ways need the internet once: a prebuilt binary from GitHub, or Electron’s headers and a C++',
      'compiler (build-essential / Xcode command line tools / Visual Studio Build Tools) for node-gyp.',
      `Connect and run \`npm start\` again, or build it elsewhere and set KINDRED_SQLITE_BINDING=/path/to/better_sqlite3.node.`,
      'Without the app, `npx kindred serve` opens the same library in a browser.',
    ].join('\n'),
  );
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
