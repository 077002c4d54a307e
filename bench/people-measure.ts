/**
 * The measuring half of `npm run bench:people`, run in a child process of its own so that its peak
 * RSS is that of the library work, not of generating 300,000 synthetic embeddings.
 *
 * The app's LibraryService keeps the neighbour index in memory once loaded, and saves it in the
 * library's cache folder after grouping; a new LibraryService is what a fresh process (a CLI
 * command) starts from. The library copy comes with its index saved (bench/people-index.ts built it
 * in a process of its own). In this order (each step needs the state the previous one left):
 * 1. `cluster --full` on a fresh service: what `kindred cluster --full` costs in a library that
 *    has been scanned (index loaded from its saved files); quality against the synthetic truth.
 * 2. The biggest people are named, so that new faces are also matched against named people.
 * 3. A "scan" writes 1,000 faces in ~330 photos. They are grouped twice:
 *    a. by the service of step 1, its index in memory (the app after a scan), in a savepoint that
 *       is rolled back so that…
 *    b. …a fresh service finds them ungrouped again, and groups them with the index loaded from the
 *       files saved after step 1 (a CLI `kindred scan`).
 *    Without a saved index at all (a first scan, a deleted cache), add the index build to b.
 * 4. Query latencies, warm: `people --json`, a person's first page of photos, photos of two people;
 *    the photo queries again on the two biggest identities made into people as a perfect grouping
 *    would (rolled back).
 * 5. Loading the saved index alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/main/clock';
import { openDatabase, type LibraryDatabase } from '../src/main/db/open';
import { GROUPING } from '../src/main/people/thresholds';
import { FacesRepository } from '../src/main/repositories/faces';
import { FoldersRepository } from '../src/main/repositories/folders';
import { PeopleRepository } from '../src/main/repositories/people';
import { PhotosRepository } from '../src/main/repositories/photos';
import { FaceIndex } from '../src/main/services/face-index';
import { LibraryService, type LibraryServiceDependencies } from '../src/main/services/library';
import { coresBusy, processCpuMs, readCpuTicks } from './cpu-load';
import { watchPeakRss } from './peak-rss';
import { readIndexBuild, type IndexBuild } from './people-index';
import { libraryWriter, loadCache, type CachedLibrary, type LibraryParams } from './people-library';
import {
  biggestIdentities,
  loadAverage,
  majorityPerson,
  latencyOf,
  measureLatency,
  ms,
  newFaceOutcome,
  pairScores,
  pct,
  seconds,
  targetTable,
  timed,
  type Latency,
  type NewFaceOutcome,
  type TargetRow,
} from './people-report';
import { megabytes } from './report';

/** The targets. */
const TARGETS = { msPerNewFace: 2, queryMs: 50, clusterFullMs: 120_000, peakRssBytes: 1e9 };
const NAMES = ['Alice', 'Ben', 'Chloe', 'Daniel', 'Emma'];
const PAGE = 100;

export interface MeasureOptions {
  cacheDir: string;
  params: LibraryParams;
  /** Timed runs of each query. */
  runs: number;
  /** The folder holding the copy of the library and its saved index (the parent removes it). */
  workDir: string;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

/** One connection and its repositories, shared by every service the run creates. */
interface Bench {
  db: LibraryDatabase;
  deps: LibraryServiceDependencies;
  workDir: string;
  cache: CachedLibrary;
}

/**
 * openLibrary()'s wiring, on a connection of our own: the rolled-back savepoints must be on the
 * connection the services write with. The library's cache folder (the saved index) is `cache/`.
 */
function openBench(workDir: string, cache: CachedLibrary): Bench {
  const db = openDatabase(path.join(workDir, 'library.db'));
  const cacheDir = path.join(workDir, 'cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const deps: LibraryServiceDependencies = {
    db,
    folders: new FoldersRepository(db),
    photos: new PhotosRepository(db),
    faces: new FacesRepository(db),
    people: new PeopleRepository(db),
    clock: systemClock,
    createPool: () => {
      throw new Error('the people benchmark never analyses photos');
    },
    cacheDir,
  };
  return { db, deps, workDir, cache };
}

/** A service with nothing in memory: what a fresh process (a CLI command) starts from. */
const freshService = (bench: Bench) => new LibraryService(bench.deps);

/**
 * Lets the native memory of dropped indexes go before the next step (needs --expose-gc). A native
 * index is freed by a finalizer that Node runs from its event loop some time after the collection
 * that found it unreachable: after a regroup of the whole library one turn of the loop was not
 * enough (gc, turn, gc left the index of cluster --full in memory until the end of the run, so the
 * measuring process held two indexes at once, which the app never does).
 */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The kernel's high-water mark of this process so far. */
const maxRssSoFar = () => process.resourceUsage().maxRSS * 1024;
const peakSoFar = () => `peak RSS so far ${megabytes(maxRssSoFar())}`;

/**
 * Where the memory is after a step: resident now (anonymous memory: heaps, the index; mapped files
 * and shared memory: code, SQLite's WAL index), the JS heap in use, memory outside the heap that V8
 * knows of (typed arrays, buffers), and the high-water mark so far.
 */
function memoryLine(step: string): void {
  const m = process.memoryUsage();
  log(
    `  memory after ${step}: RSS ${megabytes(m.rss)}${rssKinds()}, JS heap ${megabytes(m.heapUsed)} used of ` +
      `${megabytes(m.heapTotal)}, typed arrays and buffers ${megabytes(m.external)}; ${peakSoFar()}`,
  );
}

/** Linux: RSS split into anonymous memory and mapped files or shared memory. */
function rssKinds(): string {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const [anon, file, shmem] = ['RssAnon', 'RssFile', 'RssShmem'].map(kib);
    if ([anon, file, shmem].some(Number.isNaN)) return '';
    return ` (anonymous ${megabytes(anon * 1024)}, files ${megabytes((file + shmem) * 1024)})`;
  } catch {
    return '';
  }
}

class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

/** Runs `work` in a transaction that is always rolled back, and returns its result. */
function withRollback<T>(db: LibraryDatabase, work: () => T): T {
  try {
    db.transaction(() => {
      throw new Rollback(work());
    })();
  } catch (error) {
    if (error instanceof Rollback) return error.value as T;
    throw error;
  }
  throw new Error('unreachable');
}

function assignments(db: LibraryDatabase): [number, number | null][] {
  return db.prepare(`SELECT id, person_id FROM faces`).raw().all() as [number, number | null][];
}

/** Replaces the contents of folder `to` with copies of the files in `from` (the saved index). */
function copyFolder(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) fs.copyFileSync(path.join(from, name), path.join(to, name));
}

function printMachine(): void {
  const cpus = os.cpus();
  const sqlite = openDatabase(':memory:', { migrate: false });
  const version = sqlite.prepare('SELECT sqlite_version()').pluck().get() as string;
  sqlite.close();
  log(
    `Machine: ${cpus[0]?.model ?? '?'} × ${cpus.length} cores, ${megabytes(os.totalmem())} RAM, ` +
      `${os.platform()} ${os.release()}, Node ${process.version}, SQLite ${version}`,
  );
  log(`Load average at start (1, 5, 15 min): ${loadAverage()}`);
}

// ---------------------------------------------------------------- cluster --full and naming

function clusterFull(bench: Bench, library: LibraryService) {
  log('cluster --full (fresh service, index loaded from its saved files) …');
  const run = timed(() => library.people.group('full'));
  const peakRss = maxRssSoFar();
  const rows = assignments(bench.db);
  const identityOf = (id: number) => bench.cache.truth[id] ?? -1;
  const quality = pairScores(rows, identityOf, GROUPING.minFacesToFound);
  log(
    `  ${seconds(run.ms)} (grouping transaction ${seconds(run.value.elapsedMs)}): ${run.value.considered} faces ` +
      `looked at, ${run.value.assigned} given a person, ${run.value.newPeople} people; ${peakSoFar()}`,
  );
  log(
    `  pairwise precision ${quality.precision.toFixed(4)}, recall ${quality.recall.toFixed(4)}; ` +
      `${quality.people} people for ${quality.findableIdentities} identities with ≥ ${GROUPING.minFacesToFound} faces; ` +
      `${pct(quality.assignedShare)} of faces of real people grouped, ${pct(quality.noiseAssignedShare)} of noise faces`,
  );
  log('  biggest identities (they weigh most in pairwise recall):');
  for (const split of biggestIdentities(rows, identityOf, 5)) {
    log(
      `    identity ${split.identity}: ${split.faces} faces in ${split.people} people, ` +
        `${pct(split.mainShare)} in the main one, ${pct(split.ungroupedShare)} in none`,
    );
  }
  return { ms: run.ms, summary: run.value, quality, peakRss };
}

interface Named {
  id: number;
  name: string;
  faces: number;
}

/** Names the biggest people, which also confirms every face they have (as `kindred name` does). */
function nameBiggest(library: LibraryService): Named[] {
  const biggest = [...library.people.list(false)].sort((a, b) => b.faces - a.faces).slice(0, NAMES.length);
  const run = timed(() =>
    biggest.map((person, i) => {
      library.people.name(String(person.id), NAMES[i]);
      return { id: person.id, name: NAMES[i], faces: person.faces };
    }),
  );
  log(
    `Named the ${run.value.length} biggest people in ${ms(run.ms)} ms: ` +
      run.value.map((p) => `${p.name} (#${p.id}, ${p.faces} faces)`).join(', '),
  );
  return run.value;
}

// ---------------------------------------------------------------- new faces

interface NewFace {
  faceId: number;
  identity: number;
}

/** What a scan writes for the new photos (rows only: grouping is timed separately). */
function insertNewPhotos(bench: Bench): NewFace[] {
  const writer = libraryWriter(bench.db);
  const folderId = bench.db.prepare(`SELECT id FROM folders ORDER BY id LIMIT 1`).pluck().get() as number;
  return bench.db.transaction(() =>
    bench.cache.newPhotos.flatMap((photo) =>
      writer.photo(folderId, photo).map((faceId, k) => ({ faceId, identity: photo.faces[k].identity })),
    ),
  )();
}

/** Where the new faces went, judged against the people the old faces of their identity are in. */
type Judge = () => NewFaceOutcome;

function judgeFor(bench: Bench, newFaces: readonly NewFace[]): Judge {
  const majority = majorityPerson(assignments(bench.db), (id) => bench.cache.truth[id] ?? -1);
  const oldPeople = new Set(bench.db.prepare(`SELECT id FROM people`).pluck().all() as number[]);
  const personOf = bench.db.prepare(`SELECT person_id FROM faces WHERE id = ?`).pluck();
  return () =>
    newFaceOutcome(
      newFaces.map((face) => ({ ...face, personId: personOf.get(face.faceId) as number | null })),
      majority,
      oldPeople,
    );
}

function describeOutcome(outcome: NewFaceOutcome): string {
  const { known, unseen, noise } = outcome;
  return (
    `    known people's faces: ${known.right}/${known.total} to their person, ${known.wrong} to another, ` +
    `${known.waiting} waiting; never-seen people's: ${unseen.newPeople}/${unseen.total} in new people, ` +
    `${unseen.joinedOld} joined an old person; noise: ${noise.assigned}/${noise.total} given a person`
  );
}

/** `people.group('new')` timed, with where the faces went; rolled back when asked. */
function groupNew(bench: Bench, library: LibraryService, judge: Judge, label: string, rollback: boolean) {
  const work = () => {
    const run = timed(() => library.people.group('new'));
    return { ms: run.ms, summary: run.value, outcome: judge() };
  };
  const result = rollback ? withRollback(bench.db, work) : work();
  log(
    `  ${label}: ${ms(result.ms)} ms (grouping transaction ${ms(result.summary.elapsedMs)} ms; ` +
      `${result.summary.considered} looked at, ${result.summary.assigned} given a person, ` +
      `${result.summary.newPeople} new people, ${result.summary.suggestions} suggestions); ${peakSoFar()}`,
  );
  log(describeOutcome(result.outcome));
  return result;
}

/** The service whose index is in memory; dropped when a step needs the memory to be free. */
interface WarmService {
  service?: LibraryService;
}

/**
 * Step 3. The warm service has its index in memory; the index it saved after cluster --full was
 * kept aside so that the CLI case starts from exactly those files. The CLI case is kept: its service
 * is the one the queries then use.
 */
async function groupNewFaces(bench: Bench, warm: WarmService, savedAfterFull: string) {
  const newFaces = insertNewPhotos(bench);
  const judge = judgeFor(bench, newFaces);
  log(`Grouping ${newFaces.length} new faces in ${bench.cache.newPhotos.length} new photos:`);
  const inMemory = groupNew(bench, warm.service!, judge, 'the app, index in memory', true);
  // Only one index in memory at a time, as in the app.
  delete warm.service;
  await collectGarbage();
  memoryLine('dropping the service of cluster --full');

  copyFolder(savedAfterFull, bench.deps.cacheDir);
  const library = freshService(bench);
  const saved = groupNew(bench, library, judge, 'a CLI scan, index loaded from its saved files', false);
  warm.service = library;
  return { faces: newFaces.length, inMemory, saved };
}

// ---------------------------------------------------------------- queries

async function measureAsync(runs: number, fn: () => Promise<unknown>, warmUp = 3): Promise<Latency> {
  // The repositories are synchronous: the promise is settled by the time the call returns, so the
  // synchronous timing below is the whole cost. Each call's rows are let go before the next call, as
  // in the CLI (one call) and the app (one page at a time): holding every run's thousands of rows
  // until the end made the measuring process's peak partly the benchmark's own.
  for (let i = 0; i < warmUp; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const pending = fn();
    samples.push(performance.now() - started);
    await pending;
  }
  return latencyOf(samples);
}

const latencyLine = (what: string, l: Latency, rows: string) =>
  log(
    `  ${what.padEnd(46)} median ${ms(l.median).padStart(6)} ms, p95 ${ms(l.p95).padStart(6)} ms  (${rows})`,
  );

/** `kindred people --json`: the list, as the CLI prints it. */
function measurePeopleJson(library: LibraryService, runs: number) {
  const json = JSON.stringify(library.people.list(false), null, 2);
  const latency = measureLatency(runs, () => JSON.stringify(library.people.list(false), null, 2));
  const people = library.people.list(false).length;
  latencyLine('people --json', latency, `${people} people, ${Math.round(json.length / 1024)} KiB`);
  return latency;
}

/** The named person who shares the most photos with `a`: the two-person query is about co-occurrence. */
function companionOf(db: LibraryDatabase, a: Named, others: readonly Named[]): Named {
  const ids = others.map((p) => p.id);
  const id = db
    .prepare(
      `SELECT b.person_id FROM faces a JOIN faces b ON b.photo_id = a.photo_id
       WHERE a.person_id = ? AND b.person_id IN (${ids.map(() => '?').join(', ')})
       GROUP BY b.person_id ORDER BY COUNT(DISTINCT a.photo_id) DESC LIMIT 1`,
    )
    .pluck()
    .get(a.id, ...ids) as number;
  return others.find((p) => p.id === id)!;
}

export interface PhotoQueries {
  firstPage: Latency;
  pair: Latency;
  allOfA: Latency;
  rows: { firstPage: number; pair: number; allOfA: number };
}

/** A's first page, `photos --person A --person B` (by name, as the CLI resolves them), all of A's photos. */
async function measurePhotoQueries(
  library: LibraryService,
  a: Named,
  b: Named,
  runs: number,
): Promise<PhotoQueries> {
  const firstPage = () => library.listPhotos({ personIds: [a.id], limit: PAGE });
  const pair = () => library.listPhotos({ personIds: library.people.resolvePeople([a.name, b.name]) });
  const allOfA = () => library.listPhotos({ personIds: [a.id] });
  const rows = {
    firstPage: (await firstPage()).length,
    pair: (await pair()).length,
    allOfA: (await allOfA()).length,
  };
  const result = {
    rows,
    firstPage: await measureAsync(runs, firstPage),
    pair: await measureAsync(runs, pair),
    allOfA: await measureAsync(runs, allOfA),
  };
  latencyLine(`photos of ${a.name}, first page of ${PAGE}`, result.firstPage, `${rows.firstPage} rows`);
  latencyLine(`photos --person ${a.name} --person ${b.name}`, result.pair, `${rows.pair} rows`);
  latencyLine(`photos --person ${a.name} (all, no paging)`, result.allOfA, `${rows.allOfA} rows`);
  return result;
}

/** Identities by face count, biggest first. */
function biggestTwoIdentities(truth: Int32Array): [number, number] {
  const sizes = new Map<number, number>();
  for (const identity of truth) if (identity >= 0) sizes.set(identity, (sizes.get(identity) ?? 0) + 1);
  const [first, second] = [...sizes].sort((x, y) => y[1] - x[1]);
  return [first[0], second[0]];
}

/**
 * When grouping splits the biggest identities into many people (see its quality figures), the
 * biggest person it makes is far smaller than the biggest real person, and the photo queries would
 * be timed on small sets. So they are timed again on the two biggest identities made into people
 * as a perfect grouping would. The change is committed before the queries run, as the app and the
 * CLI only ever query a committed library (read inside a write transaction holding ~22,000
 * uncommitted face rows, the two-person list took ~5 ms more), then undone: every face gets its
 * person back and the two people go.
 */
async function measureTruthQueries(
  bench: Bench,
  library: LibraryService,
  runs: number,
): Promise<PhotoQueries> {
  const { db, deps } = bench;
  const now = new Date().toISOString();
  const assign = db.prepare(`UPDATE faces SET person_id = ?, assigned_by = ? WHERE id = ?`);
  const before = db.prepare(`SELECT person_id, assigned_by FROM faces WHERE id = ?`).raw();
  const saved: [faceId: number, personId: number | null, assignedBy: string | null][] = [];
  const people = db.transaction(() =>
    biggestTwoIdentities(bench.cache.truth).map((identity, i) => {
      const name = `Real ${NAMES[i]}`;
      const id = deps.people.insert(name, now);
      let faces = 0;
      bench.cache.truth.forEach((of, faceId) => {
        if (of !== identity) return;
        const row = before.get(faceId) as [number | null, string | null] | undefined;
        if (!row) return;
        saved.push([faceId, ...row]);
        faces += assign.run(id, 'user', faceId).changes;
      });
      return { id, name, faces };
    }),
  )();
  try {
    log(
      `Photo queries on the two biggest identities as people (as a perfect grouping would make them): ` +
        people.map((p) => `${p.name} (#${p.id}, ${p.faces} faces)`).join(', '),
    );
    return await measurePhotoQueries(library, people[0], people[1], runs);
  } finally {
    const removePerson = db.prepare(`DELETE FROM people WHERE id = ?`);
    db.transaction(() => {
      for (const [faceId, personId, assignedBy] of saved) assign.run(personId, assignedBy, faceId);
      for (const person of people) removePerson.run(person.id);
    })();
  }
}

async function measureQueries(bench: Bench, library: LibraryService, named: Named[], runs: number) {
  log(`Queries (warm, ${runs} timed runs each after 3 untimed):`);
  const peopleJson = measurePeopleJson(library, runs);
  const [a, ...others] = named;
  const grouped = await measurePhotoQueries(library, a, companionOf(bench.db, a, others), runs);
  memoryLine('the queries on the grouping made');
  const truth = await measureTruthQueries(bench, library, runs);
  return { peopleJson, grouped, truth };
}

// ---------------------------------------------------------------- the index alone

/** FaceIndex.open from the files the last grouping saved (what a fresh process does first). */
async function measureIndexLoad(bench: Bench) {
  const load = timed(() => FaceIndex.open(bench.db, bench.deps.faces, bench.deps.cacheDir));
  const size = load.value.index.size;
  await collectGarbage();
  log(`The saved index alone: loaded and brought up to date in ${seconds(load.ms)} (${size} faces)`);
  return { loadMs: load.ms, size };
}

// ---------------------------------------------------------------- the run

export async function runMeasure(options: MeasureOptions): Promise<void> {
  const peak = watchPeakRss();
  const ticksAtStart = readCpuTicks();
  const cpuAtStart = processCpuMs();
  const started = performance.now();
  printMachine();

  const cache = loadCache(options.cacheDir);
  const indexBuild = readIndexBuild(options.workDir);
  const bench = openBench(options.workDir, cache);
  const savedAfterFull = path.join(options.workDir, 'index-after-full');
  try {
    const counts = bench.db
      .prepare(`SELECT (SELECT COUNT(*) FROM photos), (SELECT COUNT(*) FROM faces)`)
      .raw()
      .get() as [number, number];
    const size = fs.statSync(path.join(options.workDir, 'library.db')).size;
    log(`  ${counts[0]} photos, ${counts[1]} faces, ${megabytes(size)} on disk`);
    log();
    memoryLine('opening the library');
    const warm: WarmService = { service: freshService(bench) };
    const full = clusterFull(bench, warm.service!);
    memoryLine('cluster --full');
    copyFolder(bench.deps.cacheDir, savedAfterFull);
    const named = nameBiggest(warm.service!);
    memoryLine('naming');
    log();
    const grouping = await groupNewFaces(bench, warm, savedAfterFull);
    memoryLine('grouping new faces');
    log();
    const queries = await measureQueries(bench, warm.service!, named, options.runs);
    memoryLine('the queries');
    log();
    delete warm.service;
    await collectGarbage();
    memoryLine('dropping the service');
    const index = await measureIndexLoad(bench);
    memoryLine('loading the saved index alone');

    const wall = performance.now() - started;
    const machineCores = coresBusy(ticksAtStart, readCpuTicks());
    const ownCores = (processCpuMs() - cpuAtStart) / wall;
    const peakRss = peak.stop();
    log();
    log(
      `Whole measuring run: ${seconds(wall)}; this process used ${ownCores.toFixed(2)} cores on average, ` +
        `other processes ${machineCores === null ? '?' : Math.max(0, machineCores - ownCores).toFixed(2)}; ` +
        `load average now ${loadAverage()}`,
    );
    log();
    log(targetTable(targetRows({ full, grouping, queries, index, indexBuild, peakRss })));
    log(
      '* derived: the figure measured with a saved index, plus the index build from SQLite minus the ' +
        'index load (without saved files FaceIndex.open builds instead of loading; the rest is the same).',
    );
  } finally {
    bench.db.close();
  }
}

interface Figures {
  full: ReturnType<typeof clusterFull>;
  grouping: Awaited<ReturnType<typeof groupNewFaces>>;
  queries: Awaited<ReturnType<typeof measureQueries>>;
  index: Awaited<ReturnType<typeof measureIndexLoad>>;
  indexBuild: IndexBuild;
  peakRss: number;
}

function perNewFaceRow(figure: string, totalMs: number, faces: number, judged: boolean): TargetRow {
  const perFace = totalMs / faces;
  return {
    figure,
    value: `${perFace.toFixed(3)} ms`,
    target: judged ? `< ${TARGETS.msPerNewFace} ms` : `(${TARGETS.msPerNewFace} ms)`,
    met: judged ? perFace < TARGETS.msPerNewFace : null,
  };
}

function targetRows({ full, grouping, queries, index, indexBuild, peakRss }: Figures): TargetRow[] {
  const query = (figure: string, l: Latency): TargetRow => ({
    figure: `${figure} (p95; median ${ms(l.median)})`,
    value: `${ms(l.p95)} ms`,
    target: `< ${TARGETS.queryMs} ms`,
    met: l.p95 < TARGETS.queryMs,
  });
  const rss = (figure: string, bytes: number): TargetRow => ({
    figure,
    value: megabytes(bytes),
    target: `< ${megabytes(TARGETS.peakRssBytes)}`,
    met: bytes < TARGETS.peakRssBytes,
  });
  const wall = (figure: string, milliseconds: number): TargetRow => ({
    figure,
    value: seconds(milliseconds),
    target: `< ${seconds(TARGETS.clusterFullMs)}`,
    met: milliseconds < TARGETS.clusterFullMs,
  });
  const info = (figure: string, value: string): TargetRow => ({ figure, value, target: '', met: null });
  const { faces } = grouping;
  // Without saved files, FaceIndex.open builds instead of loading: swap the one for the other.
  const rebuild = indexBuild.buildMs - index.loadMs;
  return [
    perNewFaceRow('grouping per new face, index in memory (app)', grouping.inMemory.ms, faces, true),
    perNewFaceRow('  same, CLI scan loading the saved index', grouping.saved.ms, faces, false),
    perNewFaceRow(
      '  same, CLI scan with no saved index (derived*)',
      grouping.saved.ms + rebuild,
      faces,
      false,
    ),
    query('people --json', queries.peopleJson),
    query(`one person's photos, first page`, queries.grouped.firstPage),
    query('photos --person A --person B', queries.grouped.pair),
    query(`  same, real biggest person (${queries.truth.rows.allOfA} photos)`, queries.truth.firstPage),
    query(`  same, real biggest pair (${queries.truth.rows.pair} photos)`, queries.truth.pair),
    wall('cluster --full wall time (saved index)', full.ms),
    wall('  same, no saved index (derived*)', full.ms + rebuild),
    info('index build from SQLite (own process)', seconds(indexBuild.buildMs)),
    info('index save / load of the saved files', `${seconds(indexBuild.saveMs)} / ${seconds(index.loadMs)}`),
    rss('peak RSS, cluster --full (fresh process)', full.peakRss),
    rss('peak RSS, index build (own process)', indexBuild.peakRss),
    rss('peak RSS, measuring process (whole)', peakRss),
    info(
      'cluster --full pairwise precision / recall',
      `${full.quality.precision.toFixed(3)} / ${full.quality.recall.toFixed(3)}`,
    ),
  ];
}
