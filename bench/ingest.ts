/**
 * `npm run bench:ingest`: Kindred's ingest throughput on 12-megapixel JPEGs against the original
 * face-api pipeline on tfjs-wasm, side by side in one run. See docs/benchmarks.md.
 *
 * The parent makes (or reuses) the photo set, then runs every configuration in its own child
 * process, so that each has its own peak RSS and none inherits another's heap or loaded models;
 * a child prints one result line and the parent prints the report.
 *
 *   npm run bench:ingest -- [--photos 120] [--faceapi-photos 40] [--workers N] [--max-wait 30]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PIPELINE, type PipelineOptions } from '../src/main/vision/pipeline';
import { defaultWorkerCount, TASKS_PER_WORKER } from '../src/main/vision/pool';
import { waitForQuietMachine } from './cpu-load';
import { vectorInstructions } from './machine';
import {
  ensurePhotoSet,
  linkSubset,
  PHOTO_HEIGHT,
  PHOTO_WIDTH,
  type FaceCount,
  type PhotoSet,
} from './make-photos';
import { watchPeakRss } from './peak-rss';
import {
  DISTURBED_CORES,
  faceApiStageTable,
  fixed,
  megabytes,
  peakRssOf,
  photosPerCpuSecond,
  photosPerSecond,
  stageTable,
  TARGETS,
  throughputTable,
  verdict,
  type Row,
} from './report';
import { RESULT_PREFIX, RUN_KINDS, type RunKind, type RunResult } from './run-result';

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, '.bench');
const PHOTOS_DIR = path.join(CACHE_DIR, 'photos-12mp');

/**
 * What the reference does: one SSD pass of the same float32 detector, one descriptor per face
 * (its chip is dlib-aligned too). The row compares engines doing the same work, so it keeps the
 * model face-api runs (the default pipeline runs its plain pass and 2× canvas on the int8 detector).
 */
const LIKE_FOR_LIKE: PipelineOptions = {
  paddedPass: 'never',
  mirror: false,
  alignment: 'dlib',
  detectorPrecision: 'fp32',
};

const PIPELINES: Record<Exclude<RunKind, 'faceapi'>, PipelineOptions> = {
  'kindred-like': LIKE_FOR_LIKE,
  'kindred-default': DEFAULT_PIPELINE,
  // The default pipeline with one detector precision in every pass (docs/detection.md): what the
  // int8 first passes gain over the float32 model, and what int8 in every pass would add.
  'kindred-default-fp32': { ...DEFAULT_PIPELINE, detectorPrecision: 'fp32' },
  'kindred-default-int8': { ...DEFAULT_PIPELINE, detectorPrecision: 'int8' },
};

interface Options {
  photos: number;
  faceApiPhotos: number;
  workers: number | undefined;
  /** How long to wait before each configuration for other processes to leave the machine. */
  maxWaitMs: number;
}

function wholeNumber(value: string | undefined, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} wants a whole number ≥ ${min}, got ${value}`);
  return n;
}

// ---------------------------------------------------------------- child: one configuration

/** Photo files of a folder in name order; the folder may hold symbolic links (a subset). */
function photoFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** `k/n`: every n-th file starting at the k-th, so that both halves get the same mix of photos. */
function shardOf(files: string[], shard: string | undefined): string[] {
  if (!shard) return files;
  const [k, n] = shard.split('/').map(Number);
  return files.filter((_, i) => i % n === k);
}

async function runChild(run: RunKind, dir: string, workers: number | undefined, shard: string | undefined) {
  const peak = watchPeakRss();
  // Loaded here, not at the top: a face-api process must not carry ONNX Runtime or SQLite in its RSS.
  const result =
    run === 'faceapi'
      ? await (await import('./run-faceapi')).runFaceApi(shardOf(photoFiles(dir), shard))
      : await (await import('./run-kindred')).runKindred(run, dir, PIPELINES[run], workers);
  const line = `${RESULT_PREFIX}${JSON.stringify({ ...result, peakRssBytes: peak.stop() } satisfies RunResult)}\n`;
  // Exit once the line is out: a library's idle handle must not hold the benchmark up.
  process.stdout.write(line, () => process.exit(0));
}

// ---------------------------------------------------------------- parent: the whole benchmark

/** Starts one configuration in a fresh Node process (through tsx, like this script) and waits for its result. */
function spawnRun(run: RunKind, dir: string, extra: string[] = []): Promise<RunResult> {
  const tsxCli = require.resolve('tsx/cli');
  const child = spawn(process.execPath, [tsxCli, __filename, '--run', run, '--dir', dir, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as RunResult);
      else reject(new Error(`${run} run failed (exit code ${code}):\n${output}`));
    });
  });
}

function addFaces(counts: readonly FaceCount[]): FaceCount {
  return counts.reduce((a, b) => ({ min: a.min + b.min, max: a.max + b.max }), { min: 0, max: 0 });
}

function describeMachine(): string {
  const cpus = os.cpus();
  const machine = [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores (availableParallelism ${os.availableParallelism()}),`,
    `${fixed(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`,
  ].join(' ');
  return `${machine}\nvector instructions: ${vectorInstructions()}`;
}

const loadAverage = () =>
  os
    .loadavg()
    .map((v) => fixed(v, 2))
    .join(' ');

function describeSet(set: PhotoSet): string {
  const bytes = set.files.reduce((total, file) => total + fs.statSync(file).size, 0);
  const made = set.generatedMs === null ? 'cached' : `made in ${fixed(set.generatedMs / 1000)} s`;
  return (
    `photo set: ${set.files.length} JPEGs of ${PHOTO_WIDTH}×${PHOTO_HEIGHT} (${fixed((PHOTO_WIDTH * PHOTO_HEIGHT) / 1e6)} MP, ` +
    `${fixed(bytes / set.files.length / 1e6)} MB each on average) in ${path.relative(ROOT, set.dir)}, ${made}`
  );
}

function log(message: string): void {
  process.stderr.write(`… ${message}\n`);
}

/**
 * Names the next configuration and first waits a little for other processes to calm down: these
 * machines are shared, and a run that starts while another job holds a core measures that job too.
 */
async function beforeRun(what: string, maxWaitMs: number): Promise<void> {
  log(what);
  let waited = false;
  const busy = await waitForQuietMachine(maxWaitMs, (cores) => {
    if (!waited)
      log(`  other processes keep ${fixed(cores, 2)} cores busy: waiting up to ${maxWaitMs / 1000} s`);
    waited = true;
  });
  if (waited && busy !== null) log(`  starting; the machine's other load is now ${fixed(busy, 2)} cores`);
}

async function runAll(options: Options) {
  const cached = await ensurePhotoSet(PHOTOS_DIR, options.photos);
  console.log(describeSet(cached));
  // Runs on fewer photos than the cache holds scan a folder of links to the first ones.
  const firstOf = (count: number) =>
    linkSubset(cached, count, path.join(CACHE_DIR, `photos-12mp-first-${count}`));
  const set = cached.holdsMore ? firstOf(options.photos) : cached;
  const subset = options.faceApiPhotos < set.files.length ? firstOf(options.faceApiPhotos) : set;
  const workerArgs = options.workers ? ['--workers', String(options.workers)] : [];
  const workers = options.workers ?? defaultWorkerCount();

  const announce = (what: string) => beforeRun(what, options.maxWaitMs);

  await announce(`Kindred like-for-like, ${set.files.length} photos, ${workers} workers`);
  const like = await spawnRun('kindred-like', set.dir, workerArgs);
  await announce(`Kindred default pipeline, ${set.files.length} photos, ${workers} workers`);
  const byDefault = await spawnRun('kindred-default', set.dir, workerArgs);
  await announce(
    `Kindred default pipeline, fp32 in every pass, ${set.files.length} photos, ${workers} workers`,
  );
  const byDefaultFp32 = await spawnRun('kindred-default-fp32', set.dir, workerArgs);
  await announce(
    `Kindred default pipeline, int8 in every pass, ${set.files.length} photos, ${workers} workers`,
  );
  const byDefaultInt8 = await spawnRun('kindred-default-int8', set.dir, workerArgs);
  let likeOnSubset = like;
  if (subset !== set) {
    await announce(`Kindred like-for-like, the first ${subset.files.length} photos`);
    likeOnSubset = await spawnRun('kindred-like', subset.dir, workerArgs);
  }
  await announce(`face-api, 1 process, ${subset.files.length} photos`);
  const faceApiOne = await spawnRun('faceapi', subset.dir);
  await announce(`face-api, 2 processes side by side, ${subset.files.length} photos split between them`);
  const faceApiTwo = await Promise.all(
    [0, 1].map((k) => spawnRun('faceapi', subset.dir, ['--shard', `${k}/2`])),
  );
  for (const linked of new Set([set, subset])) {
    if (linked !== cached) fs.rmSync(linked.dir, { recursive: true, force: true });
  }

  const all = addFaces(set.expectedFaces);
  const some = addFaces(subset.expectedFaces);
  const kindred = (label: string, result: RunResult, expected: FaceCount): Row => ({
    label: `${label} (${result.workers} workers)`,
    results: [result],
    expected,
  });
  return {
    set,
    subset,
    likeRow: kindred('Kindred like-for-like', like, all),
    defaultRow: kindred('Kindred default', byDefault, all),
    defaultFp32Row: kindred('Kindred default, fp32 in every pass', byDefaultFp32, all),
    defaultInt8Row: kindred('Kindred default, int8 in every pass', byDefaultInt8, all),
    likeSubsetRow: subset === set ? null : kindred('Kindred like-for-like', likeOnSubset, some),
    faceApiOneRow: { label: 'face-api tfjs-wasm, 1 process', results: [faceApiOne], expected: some },
    faceApiTwoRow: { label: 'face-api tfjs-wasm, 2 processes', results: faceApiTwo, expected: some },
  };
}

type Runs = Awaited<ReturnType<typeof runAll>>;

/** The like-for-like Kindred row that ran on exactly the files face-api ran on. */
const comparedLike = (runs: Runs) => runs.likeSubsetRow ?? runs.likeRow;

function printThroughput(runs: Runs): void {
  const {
    set,
    subset,
    likeRow,
    defaultRow,
    defaultFp32Row,
    defaultInt8Row,
    likeSubsetRow,
    faceApiOneRow,
    faceApiTwoRow,
  } = runs;
  const on = (n: number) => (n === set.files.length ? `all ${n} photos` : `the first ${n} photos`);
  console.log(`\nThroughput (wall time of the whole run, model loading included)`);
  console.log(
    `  CPU: cores this configuration used on average; others: cores other processes on the machine used\n` +
      `  meanwhile (/proc/stat). Other load makes every figure lower: above ${DISTURBED_CORES} (marked !) the row\n` +
      `  is no clean measurement and photos/CPU-s, which other load disturbs less, is the figure to compare.\n` +
      `  photos/CPU-s: photos per second of this configuration's own CPU time.`,
  );
  console.log(`  Kindred on ${on(set.files.length)}:`);
  console.log(indent(throughputTable([likeRow, defaultRow, defaultFp32Row, defaultInt8Row])));
  console.log(`  Like for like on ${on(subset.files.length)} (the same files for both):`);
  console.log(
    indent(throughputTable([...(likeSubsetRow ? [likeSubsetRow] : []), faceApiOneRow, faceApiTwoRow])),
  );
}

function printTargets(runs: Runs): void {
  const { likeRow, defaultRow, defaultFp32Row, defaultInt8Row, faceApiOneRow, faceApiTwoRow } = runs;
  const like = comparedLike(runs);
  const ratio = photosPerSecond(like) / photosPerSecond(faceApiTwoRow);
  const ratioOne = photosPerSecond(like) / photosPerSecond(faceApiOneRow);
  const cpuRatio = photosPerCpuSecond(like) / photosPerCpuSecond(faceApiTwoRow);
  const defaultRate = photosPerSecond(defaultRow);
  const kindredPeak = Math.max(
    peakRssOf(likeRow),
    peakRssOf(defaultRow),
    peakRssOf(defaultFp32Row),
    peakRssOf(defaultInt8Row),
    peakRssOf(like),
  );
  console.log(`\nTargets`);
  console.log(
    `  like-for-like ratio (Kindred like-for-like / face-api in 2 processes, both on 2 cores): ` +
      `${fixed(ratio, 2)}× — target ≥ ${TARGETS.likeForLikeRatio}: ${verdict(ratio >= TARGETS.likeForLikeRatio)}` +
      `\n    (against face-api in 1 process, i.e. 1 core: ${fixed(ratioOne, 2)}×; ` +
      `per CPU second, which other load disturbs less: ${fixed(cpuRatio, 2)}×)`,
  );
  console.log(
    `  default pipeline: ${fixed(defaultRate, 2)} photos/s — target ≥ ${TARGETS.defaultPhotosPerSecond}: ` +
      verdict(defaultRate >= TARGETS.defaultPhotosPerSecond),
  );
  console.log(
    `  peak RSS of the Kindred runs: ${megabytes(kindredPeak)} — target < ${megabytes(TARGETS.peakRssBytes)}: ` +
      verdict(kindredPeak < TARGETS.peakRssBytes),
  );
}

function printStages(runs: Runs): void {
  console.log(
    `\nTime per stage, ms per photo. Worker stages: each photo's wall time in its worker, summed over the\n` +
      `  photos; a worker analyses ${TASKS_PER_WORKER} photos at once, so they include the time the other photo held\n` +
      `  the worker's thread, and add up to more than wall×workers/photos (up to ${TASKS_PER_WORKER}×).\n` +
      `  write: the single writer's transactions; grouping etc.: what scan() does after the analysis\n` +
      `  (closing the pool, grouping the new faces into people); both on the main thread.`,
  );
  console.log(indent(stageTable([runs.likeRow, runs.defaultRow, runs.defaultFp32Row, runs.defaultInt8Row])));
  console.log(indent(faceApiStageTable([runs.faceApiOneRow, runs.faceApiTwoRow])));
  const kindredRows = [
    runs.likeRow,
    runs.defaultRow,
    runs.defaultFp32Row,
    runs.defaultInt8Row,
    comparedLike(runs),
  ];
  const failed = kindredRows.reduce((n, row) => n + row.results[0].failed, 0);
  if (failed > 0) console.log(`\nWARNING: ${failed} photos failed to index in the Kindred runs.`);
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string' },
      'faceapi-photos': { type: 'string' },
      workers: { type: 'string' },
      run: { type: 'string' },
      dir: { type: 'string' },
      shard: { type: 'string' },
      'max-wait': { type: 'string' },
    },
  });
  const workers = wholeNumber(values.workers, 'workers');
  if (values.run) {
    if (!RUN_KINDS.includes(values.run as RunKind) || !values.dir)
      throw new Error(`bad child run: ${values.run}`);
    await runChild(values.run as RunKind, values.dir, workers, values.shard);
    return;
  }

  const photos = wholeNumber(values.photos, 'photos') ?? 120;
  const options: Options = {
    photos,
    faceApiPhotos: Math.min(photos, wholeNumber(values['faceapi-photos'], 'faceapi-photos') ?? 40),
    workers,
    maxWaitMs: (wholeNumber(values['max-wait'], 'max-wait', 0) ?? 30) * 1000,
  };
  console.log(`Kindred ingest benchmark, ${new Date().toISOString()}`);
  console.log(describeMachine());
  console.log(`load average at start (1, 5, 15 min): ${loadAverage()}`);
  const started = performance.now();
  const runs = await runAll(options);
  printThroughput(runs);
  printTargets(runs);
  printStages(runs);
  console.log(
    `\nload average at the end: ${loadAverage()}; the benchmark took ${fixed((performance.now() - started) / 1000)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
