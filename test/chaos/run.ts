/**
 * `npm run test:chaos`: the crash harness. Starts `kindred scan`, then `kindred watch` under a
 * stream of file changes, on a few hundred generated photos, and kills it with SIGKILL at random
 * moments (seeded: the seed is printed, rerun with CHAOS_SEED=N), reopening and continuing each
 * time. Between kills it records user decisions with the CLI. After every kill the library must
 * pass its integrity check, hold no photo or face twice and keep every decision recorded so far;
 * at the end every photo must be indexed or error. Any violation makes the run exit 1.
 *
 * Options (environment): CHAOS_SEED, CHAOS_PHOTOS (stable photos, default 160), CHAOS_CHURN
 * (photos the watch phase changes, default 40), CHAOS_SCAN_KILLS (default 30), CHAOS_WATCH_KILLS
 * (default 22), CHAOS_KEEP=1 keeps the temporary folder, CHAOS_SABOTAGE=1 deletes a decision
 * behind the harness's back to show that the checks catch it (the run must then fail).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KINDRED_BIN } from '../support/cli';
import { chooseDecision } from './decisions';
import {
  compareSnapshots,
  counts,
  decisionSnapshot,
  duplicates,
  integrity,
  openForCheck,
  type LibraryCounts,
} from './invariants';
import { fixtureSources, writeVariant, writeVariants } from './photos';
import { Random } from './random';

const env = (name: string, fallback: number) => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};
const seed = env('CHAOS_SEED', Date.now() % 1_000_000);
const STABLE = env('CHAOS_PHOTOS', 160);
const CHURN = env('CHAOS_CHURN', 40);
const SCAN_KILLS = env('CHAOS_SCAN_KILLS', 30);
const WATCH_KILLS = env('CHAOS_WATCH_KILLS', 22);
// One vision worker: the machines this runs on share their cores; a second worker buys nothing.
const WORKERS = '1';

const random = new Random(seed);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-chaos-'));
const photosDir = path.join(root, 'photos');
// The scan takes photos in the order it finds them: the album first, so decisions start early.
const stableDir = path.join(photosDir, 'album');
const churnDir = path.join(photosDir, 'inbox');
const libraryDir = path.join(root, 'library');
const databaseFile = path.join(libraryDir, 'library.db');
const logFile = path.join(root, 'processes.log');

const tally = {
  kills: 0,
  scanKills: 0,
  watchKills: 0,
  completedRuns: 0,
  checks: 0,
  decisionsRecorded: 0,
  decisionsRefused: 0,
  decisionLinesChecked: 0,
  churnOps: 0,
  clusterRuns: 0,
  violations: [] as string[],
};
let expected: string[] = [];
let names = 0;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function violation(when: string, problems: readonly string[]): void {
  for (const problem of problems.slice(0, 20)) tally.violations.push(`${when}: ${problem}`);
  if (problems.length > 20) tally.violations.push(`${when}: … and ${problems.length - 20} more`);
  for (const problem of problems.slice(0, 20)) log(`  VIOLATION ${when}: ${problem}`);
}

/** A `kindred` child, its output appended to the run's log. */
function start(args: string[]): {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [KINDRED_BIN, ...args, '--library', libraryDir], {
    env: { ...process.env, KINDRED_LIBRARY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const out = fs.createWriteStream(logFile, { flags: 'a' });
  out.write(`\n$ kindred ${args.join(' ')} (pid ${child.pid})\n`);
  child.stdout!.pipe(out, { end: false });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    out.write(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      out.end();
      resolve({ code, signal, stderr });
    }),
  );
  return { child, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CHAOS_SABOTAGE=1 proves the checks can fail: once a decision exists, one is deleted behind the
 * harness's back (as a crash losing it would), and the run must end with a violation.
 */
let sabotaged = process.env.CHAOS_SABOTAGE !== '1';
function sabotage(db: ReturnType<typeof openForCheck>): void {
  if (sabotaged || expected.length === 0) return;
  const removed = db
    .prepare(
      `DELETE FROM face_decisions WHERE face_id = (SELECT d.face_id FROM face_decisions d JOIN faces f ON f.id = d.face_id
         JOIN photos p ON p.id = f.photo_id WHERE p.path LIKE ? LIMIT 1)`,
    )
    .run(`${stableDir}${path.sep}%`).changes;
  if (removed > 0) {
    sabotaged = true;
    log('  (sabotage: one decision deleted behind the harness’s back)');
  }
}

/** A crash's aftermath: the checks every kill must pass. */
function checkAfterCrash(when: string): LibraryCounts | undefined {
  if (!fs.existsSync(databaseFile)) return undefined;
  const db = openForCheck(databaseFile);
  try {
    sabotage(db);
    tally.checks++;
    violation(when, integrity(db));
    violation(when, duplicates(db));
    const actual = decisionSnapshot(db, stableDir);
    tally.decisionLinesChecked += expected.length;
    violation(when, compareSnapshots(expected, actual));
    return counts(db);
  } finally {
    db.close();
  }
}

/** Makes one user decision with the CLI (maybe while a scan or watch runs) and remembers it. */
async function decide(when: string): Promise<void> {
  if (!fs.existsSync(databaseFile)) return;
  const db = openForCheck(databaseFile);
  let decision;
  try {
    decision = chooseDecision({
      db,
      stableDir,
      random,
      newName: () => `Person ${String.fromCharCode(65 + (names % 26))}${++names}`,
    });
  } finally {
    db.close();
  }
  if (!decision || random.next() < 0.2) {
    // Nobody to decide about yet (a scan groups at its end, which kills often prevent), or now and
    // then anyway: the user groups the new faces, a write of its own that must respect every
    // decision so far (the next check compares them).
    const { exited } = start(['cluster']);
    const result = await exited;
    if (result.code === 0) tally.clusterRuns++;
    else violation(`${when}: kindred cluster`, [`exited with ${result.code}: ${result.stderr.trim()}`]);
    return;
  }
  const { exited } = start(decision.args);
  const result = await exited;
  const after = openForCheck(databaseFile);
  try {
    const snapshot = decisionSnapshot(after, stableDir);
    if (result.code === 0) {
      tally.decisionsRecorded++;
      expected = snapshot;
    } else {
      tally.decisionsRefused++;
      // A refusal must be a clear message and change nothing.
      if (/SQLITE_|\n\s+at /.test(result.stderr))
        violation(`${when}: kindred ${decision.args.join(' ')}`, [`crashed: ${result.stderr.trim()}`]);
      violation(`${when}: refused kindred ${decision.args.join(' ')}`, compareSnapshots(expected, snapshot));
    }
  } finally {
    after.close();
  }
}

const indexedNow = (): number => {
  if (!fs.existsSync(databaseFile)) return 0;
  const db = openForCheck(databaseFile);
  try {
    return db.prepare(`SELECT COUNT(*) FROM photos WHERE status <> 'pending'`).pluck().get() as number;
  } catch {
    return 0; // the schema is not there yet
  } finally {
    db.close();
  }
};

/**
 * Runs `kindred scan` and kills it at a random moment; returns whether it was killed. A third of
 * the kills fall in the first seconds (opening, migrating, walking the folders, starting the
 * models); the rest once the scan has written a random number of results (1–12), a random moment
 * later, so that kills land while results are written whatever the machine's speed.
 */
async function scanOnce(kill: boolean): Promise<boolean> {
  const before = indexedNow();
  const { child, exited } = start(['scan', photosDir, '--workers', WORKERS]);
  let done = false;
  void exited.then(() => (done = true));
  let timer: NodeJS.Timeout | undefined;
  if (kill && random.next() < 0.35) {
    timer = setTimeout(() => child.kill('SIGKILL'), random.int(150, 3000));
  } else if (kill) {
    const photos = random.int(1, 12);
    const extra = random.int(0, 1500);
    void (async () => {
      while (!done && indexedNow() < before + photos) await sleep(100);
      if (!done) timer = setTimeout(() => child.kill('SIGKILL'), extra);
    })();
  }
  const result = await exited;
  clearTimeout(timer);
  if (result.signal === 'SIGKILL') return true;
  if (result.code !== 0) violation('scan', [`exited with ${result.code}: ${result.stderr.trim()}`]);
  tally.completedRuns++;
  return false;
}

/**
 * Once a scan has indexed everything, later scans finish before the kills meant to land among
 * their writes, and the phase ran on for minutes, scan after scan, until enough timed kills came
 * (159 to 652 s in four runs). New bytes for 14–30 inbox photos give the next scan more results
 * to write than a kill waits for (1–12), without growing the library. The album, whose faces the
 * decisions are about, is never touched.
 */
async function keepScanWorkAhead(): Promise<void> {
  const inbox = listFiles(churnDir);
  if (indexedNow() < listFiles(stableDir).length + inbox.length) return;
  const sources = fixtureSources();
  const changed = random.int(14, 30);
  for (let i = 0; i < changed && inbox.length > 0; i++) {
    const file = inbox.splice(random.int(0, inbox.length - 1), 1)[0];
    tally.churnOps++;
    await writeVariant(random.pick(sources), file, random);
  }
}

/** One change a user makes to the churn folder: a new photo, new bytes, a deletion or a rename. */
async function churnOnce(): Promise<void> {
  const files = fs.existsSync(churnDir) ? listFiles(churnDir) : [];
  const roll = random.next();
  const sources = fixtureSources();
  tally.churnOps++;
  try {
    if (files.length < 10 || roll < 0.3) {
      await writeVariant(random.pick(sources), path.join(churnDir, `new-${tally.churnOps}.jpg`), random);
    } else if (roll < 0.55) {
      await writeVariant(random.pick(sources), random.pick(files), random);
    } else if (roll < 0.75) {
      fs.rmSync(random.pick(files), { force: true });
    } else {
      const from = random.pick(files);
      const sub = path.join(churnDir, random.pick(['', 'a', 'b', 'a/deeper']));
      fs.mkdirSync(sub, { recursive: true });
      fs.renameSync(from, path.join(sub, `renamed-${tally.churnOps}.jpg`));
    }
  } catch (error) {
    // The file went away under us: a user's own race, nothing to check.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jpg') && !entry.name.startsWith('.'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** `kindred watch` under a stream of changes, killed at a random moment. */
async function watchOnce(killAfterMs: number, concurrentDecision: boolean): Promise<void> {
  const { child, exited } = start(['watch', '--workers', WORKERS]);
  let running = true;
  const stopped = exited.then((result) => {
    running = false;
    return result;
  });
  const churn = (async () => {
    while (running) {
      await sleep(random.int(100, 600));
      if (running) await churnOnce();
    }
  })();
  if (concurrentDecision) await decide('during watch');
  // Half the kills at a random moment from the start, half a random moment after its first write.
  if (random.next() < 0.5) {
    const before = indexedNow();
    const deadline = Date.now() + 30_000;
    while (running && indexedNow() === before && Date.now() < deadline) await sleep(100);
    killAfterMs = random.int(0, 2500);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const result = await stopped;
  clearTimeout(timer);
  await churn;
  if (result.signal !== 'SIGKILL')
    violation('watch', [`stopped by itself (${result.code}): ${result.stderr.trim()}`]);
}

/** The library matches the disk: every file a row, every row a file, nothing pending. */
function converged(): string[] {
  const db = openForCheck(databaseFile);
  try {
    const rows = new Set(db.prepare(`SELECT path FROM photos`).pluck().all() as string[]);
    const files = new Set([...listFiles(stableDir), ...listFiles(churnDir)]);
    const problems: string[] = [];
    for (const file of files) if (!rows.has(file)) problems.push(`file not in the library: ${file}`);
    for (const row of rows) if (!files.has(row)) problems.push(`library row without a file: ${row}`);
    const pending = db
      .prepare(`SELECT COUNT(*) FROM photos WHERE status = 'pending'`)
      .pluck()
      .get() as number;
    if (pending > 0) problems.push(`${pending} photos still pending`);
    return problems;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  log(`chaos: seed ${seed} (rerun with CHAOS_SEED=${seed}), ${STABLE} + ${CHURN} photos, in ${root}`);
  await writeVariants(stableDir, STABLE, random);
  await writeVariants(churnDir, CHURN, random, 'c');
  const started = performance.now();

  // Phase 1: scan, killed at random moments until enough kills; decisions between kills.
  while (tally.scanKills < SCAN_KILLS) {
    await keepScanWorkAhead();
    const killed = await scanOnce(true);
    if (killed) {
      tally.kills++;
      tally.scanKills++;
    }
    const state = checkAfterCrash(`after scan kill ${tally.scanKills}`);
    if (state && tally.scanKills % 3 === 0) log(`  scan kill ${tally.scanKills}: ${JSON.stringify(state)}`);
    await decide(`after scan kill ${tally.scanKills}`);
  }
  await scanOnce(false);
  violation('after the last scan', converged());
  const afterScan = checkAfterCrash('after the last scan');
  log(`scan phase: ${tally.scanKills} kills, then a complete scan: ${JSON.stringify(afterScan)}`);

  // Phase 2: watch under a stream of adds, changes, deletions and renames, killed at random.
  while (tally.watchKills < WATCH_KILLS) {
    await watchOnce(random.int(1500, 7000), random.next() < 0.6);
    tally.kills++;
    tally.watchKills++;
    const state = checkAfterCrash(`after watch kill ${tally.watchKills}`);
    if (tally.watchKills % 3 === 0) log(`  watch kill ${tally.watchKills}: ${JSON.stringify(state)}`);
    if (random.next() < 0.5) await decide(`after watch kill ${tally.watchKills}`);
  }

  // Eventually: a watch left alone catches up with the disk and ends with nothing pending.
  const { child, exited } = start(['watch', '--workers', WORKERS]);
  let problems = ['never looked'];
  for (let waited = 0; waited < 240_000; waited += 1000) {
    await sleep(1000);
    problems = converged();
    if (problems.length === 0) break;
  }
  child.kill('SIGTERM');
  const result = await exited;
  if (result.code !== 0)
    violation('final watch', [`exited with ${result.code} ${result.signal}: ${result.stderr.trim()}`]);
  violation('final watch', problems);
  const final = checkAfterCrash('at the end');
  const elapsed = (performance.now() - started) / 1000;

  log('');
  log(`chaos: seed ${seed}, ${elapsed.toFixed(0)} s`);
  log(
    `  kills: ${tally.kills} (scan ${tally.scanKills}, watch ${tally.watchKills}); runs that finished before their kill: ${tally.completedRuns}`,
  );
  log(
    `  checks after a kill: ${tally.checks}; file changes under watch: ${tally.churnOps}; kindred cluster runs: ${tally.clusterRuns}`,
  );
  log(
    `  photos: ${final?.photos} (${final?.indexed} indexed, ${final?.failed} error, ${final?.pending} pending); faces: ${final?.faces}; people: ${final?.people} (${final?.named} named)`,
  );
  log(
    `  decisions: ${tally.decisionsRecorded} recorded, ${tally.decisionsRefused} refused; ${expected.length} decision lines kept at the end, ${tally.decisionLinesChecked} line checks in all`,
  );
  log(`  violations: ${tally.violations.length}`);
  if (tally.violations.length > 0) {
    for (const line of tally.violations.slice(0, 50)) log(`    ${line}`);
    log(`  processes' output: ${logFile}`);
    process.exitCode = 1;
  } else if (process.env.CHAOS_KEEP !== '1') {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
