/**
 * `npm run bench:people`: the people feature at family-library scale. A synthetic library of 100,000
 * photos and 300,000 faces (≈3,000 people in families, 5% noise faces) is grouped from scratch, then
 * grows by 1,000 faces, and the queries the app and CLI make are timed. See docs/people-benchmark.md.
 *
 *   npm run bench:people -- [--runs 30] [--rebuild] [--keep]
 *                           [--photos 100000 --faces 300000 --identities 3000 --seed 1]
 *
 * Child processes, so that each figure belongs to the work it describes and has its own peak RSS:
 * - build: makes the library in .bench/people-300k/ (skipped when a cache of the same generator
 *   version, schema and parameters is there);
 * - index: on a copy of it in a temporary folder, builds the neighbour index from SQLite and saves
 *   it in the library's cache folder, as any library that has been scanned has it;
 * - measure: everything else on that copy, starting like a fresh CLI command.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCache, cacheDirFor, DEFAULT_PARAMS, isCacheValid, type LibraryParams } from './people-library';
import { loadAverage, seconds } from './people-report';

const ROOT = path.resolve(__dirname, '..');

const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: String(DEFAULT_PARAMS.photos) },
    faces: { type: 'string', default: String(DEFAULT_PARAMS.faces) },
    identities: { type: 'string', default: String(DEFAULT_PARAMS.identities) },
    seed: { type: 'string', default: String(DEFAULT_PARAMS.seed) },
    runs: { type: 'string', default: '30' },
    rebuild: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Internal: which child this process is, and the measuring child's folder. */
    role: { type: 'string' },
    'work-dir': { type: 'string' },
  },
});

function positiveInt(name: keyof typeof args): number {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} wants a positive whole number, got ${args[name]}`);
  return n;
}

const params: LibraryParams = {
  ...DEFAULT_PARAMS,
  photos: positiveInt('photos'),
  faces: positiveInt('faces'),
  identities: positiveInt('identities'),
  seed: positiveInt('seed'),
};
const cacheDir = cacheDirFor(ROOT, params);

/** This script again in a fresh Node process (tsx as a loader; --expose-gc to free dropped indexes). */
function spawnRole(role: 'build' | 'index' | 'measure', extra: string[] = []): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', __filename, ...process.argv.slice(2), '--role', role, ...extra],
    { cwd: ROOT, stdio: 'inherit' },
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${role} step failed (${signal ? `killed by ${signal}` : `exit code ${code}`})`)),
    );
  });
}

/**
 * The index and measuring children work on a copy in a temporary folder. The parent owns the
 * folder, so that it is removed even when a child dies without cleaning up (killed, out of memory).
 */
async function measure(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-bench-people-'));
  try {
    const started = performance.now();
    fs.copyFileSync(path.join(cacheDir, 'library.db'), path.join(workDir, 'library.db'));
    process.stdout.write(`Library copied to ${workDir} in ${seconds(performance.now() - started)}\n`);
    await spawnRole('index', ['--work-dir', workDir]);
    await spawnRole('measure', ['--work-dir', workDir]);
  } finally {
    if (args.keep) process.stdout.write(`Kept the library at ${workDir}\n`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (args.role === 'build') {
    buildCache(cacheDir, params, (line) => process.stdout.write(`${line}\n`));
    return;
  }
  if (args.role === 'index') {
    const { runIndexBuild } = await import('./people-index');
    runIndexBuild(args['work-dir']!);
    return;
  }
  if (args.role === 'measure') {
    const { runMeasure } = await import('./people-measure');
    await runMeasure({ cacheDir, params, runs: positiveInt('runs'), workDir: args['work-dir']! });
    return;
  }
  process.stdout.write(
    `People benchmark: ${params.photos} photos, ${params.faces} faces, ${params.identities} identities ` +
      `(families of ${params.familySize}, ${params.noiseShare * 100}% noise), seed ${params.seed}\n` +
      `Load average before anything runs (1, 5, 15 min): ${loadAverage()}\n`,
  );
  if (args.rebuild || !isCacheValid(cacheDir, params)) {
    process.stdout.write(`Building the synthetic library into ${path.relative(ROOT, cacheDir)}/ …\n`);
    const started = performance.now();
    await spawnRole('build');
    process.stdout.write(`Built in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`);
  } else {
    process.stdout.write(
      `Reusing the synthetic library in ${path.relative(ROOT, cacheDir)}/ (--rebuild to make it again)\n\n`,
    );
  }
  await measure();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
