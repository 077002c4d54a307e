/**
 * `npx tsx bench/vector-index.ts`: nearest-neighbour search over 128-d face embeddings at family-photo
 * scale (300,000 faces), the candidates for the people feature's index side by side. See
 * docs/people-index.md for the results and the decision.
 *
 *   npx tsx bench/vector-index.ts [--faces 300000] [--queries 1000] [--seed 1] [--with-m16]
 *
 * The target: k=10 neighbours of a new face within 0.6, in under 2 ms, on 2 cores. Queries are
 * held-out faces drawn like the indexed ones (so most have same-person neighbours, 5% are noise).
 * The truth is exact brute force. For the approximate index we report recall@10 and, more to the
 * point, recall of the true top-10 neighbours that lie within 0.5 (the ones that decide which person
 * a face joins), plus what the people feature would feel: queries whose true neighbours within 0.6
 * were all missed (a face that would wrongly start a new person).
 *
 * Takes ~10 minutes at 300k (most of it building the HNSW graph and the exact ground truth), and
 * ~3 GB of memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import type * as USearch from 'usearch';
import {
  DEFAULT_HNSW,
  ExactVectorIndex,
  HnswVectorIndex,
  loadUsearch,
  type HnswOptions,
  type Neighbour,
  type VectorIndex,
} from '../src/main/people/vector-index';
import { DIMENSIONS, formatRealism, realismStats, syntheticFaces } from './synthetic-embeddings';

const K = 10;
/** src/main/people/thresholds.ts: grouping looks at 16 neighbours (and finds the face itself). */
const GROUPING_K = 17;
const MAX_DISTANCE = 0.6;
const CLOSE = 0.5;
const TARGET_MS = 2;
/** Search widths tried on the chosen graph, around the default. */
const EXPANSIONS = [32, 64, 96, 128];

const { values: args } = parseArgs({
  options: {
    faces: { type: 'string', default: '300000' },
    queries: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'with-m16': { type: 'boolean', default: false },
  },
});
const FACES = Number(args.faces);
const QUERIES = Number(args.queries);
const SEED = Number(args.seed);

// A real gc before each memory reading, without having to start node with --expose-gc.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function settledRss(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}

/** The machine may be shared: print how busy it was, since that moves every latency below. */
const load = (): string => os.loadavg()[0].toFixed(1);

interface Latency {
  median: number;
  p99: number;
  /** Mean CPU time per call (process-wide, so it includes GC), ms. */
  cpu: number;
}

/** Runs `fn` for each of `count` calls (after a short warm-up): wall-time percentiles and CPU time. */
function timeEach<T>(count: number, fn: (i: number) => T, out?: T[]): Latency {
  for (let i = 0; i < Math.min(20, count); i++) fn(i);
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const result = fn(i);
    times.push(performance.now() - start);
    if (out) out[i] = result;
  }
  const cpu = process.cpuUsage(cpuStart);
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { median: at(0.5), p99: at(0.99), cpu: (cpu.user + cpu.system) / 1000 / count };
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const seconds = (millis: number): string => `${(millis / 1000).toFixed(millis < 10_000 ? 2 : 0)} s`;
const pct = (value: number): string => (Number.isNaN(value) ? '–' : `${(value * 100).toFixed(2)}%`);

interface Recall {
  at10: number;
  within05: number;
  /** As within05, but a miss is forgiven when the result at that rank is within 1% of its distance. */
  within05Tolerant: number;
  /** Queries with a true neighbour within 0.6 for which nothing within 0.6 was found. */
  missedMatches: number;
}

function recall(truth: Neighbour[][], found: Neighbour[][]): Recall {
  let hits = 0;
  let total = 0;
  let hits05 = 0;
  let tolerant05 = 0;
  let total05 = 0;
  let missedMatches = 0;
  truth.forEach((exact, q) => {
    const got = found[q];
    const ids = new Set(got.map((n) => n.id));
    exact.forEach((n, rank) => {
      const hit = ids.has(n.id);
      total++;
      if (hit) hits++;
      if (n.distance <= CLOSE) {
        total05++;
        if (hit) hits05++;
        if (hit || (got[rank] && got[rank].distance <= n.distance * 1.01)) tolerant05++;
      }
    });
    if (exact[0]?.distance <= MAX_DISTANCE && !(got[0]?.distance <= MAX_DISTANCE)) missedMatches++;
  });
  return {
    at10: hits / total,
    within05: hits05 / total05,
    within05Tolerant: tolerant05 / total05,
    missedMatches,
  };
}

interface Row {
  name: string;
  build: string;
  memory: string;
  query: Latency;
  recall?: Recall;
  add?: Latency;
  remove?: Latency;
}

function main(): void {
  console.log(
    `Vector index benchmark: ${FACES.toLocaleString('en')} faces, ${QUERIES} held-out queries, ` +
      `k=${K}, maxDistance=${MAX_DISTANCE}; ${os.cpus().length} cores, Node ${process.version}, ` +
      `load average ${load()} at start\n`,
  );

  let start = performance.now();
  const total = FACES + QUERIES;
  const data = syntheticFaces({ faces: total, identities: Math.round(total / 100), seed: SEED });
  console.log(`Synthetic embeddings (${seconds(performance.now() - start)}), Euclidean distances:`);
  console.log(formatRealism(realismStats(data)));
  const base = data.vectors.subarray(0, FACES * DIMENSIONS);
  const ids = Int32Array.from({ length: FACES }, (_, i) => i);
  const query = (q: number): Float32Array =>
    data.vectors.subarray((FACES + q) * DIMENSIONS, (FACES + q + 1) * DIMENSIONS);
  const rows: Row[] = [];
  const progress = (what: string): void => console.log(`  … ${what} (load ${load()})`);

  // (a) Exact brute force in JS; its unbounded answers are the ground truth.
  console.log('');
  progress('JS brute force');
  let rss = settledRss();
  start = performance.now();
  const exact = new ExactVectorIndex(DIMENSIONS, FACES);
  exact.addMany(ids, base);
  const exactBuild = performance.now() - start;
  const exactMemory = settledRss() - rss;
  const truth: Neighbour[][] = [];
  const exactUnbounded = timeEach(QUERIES, (q) => exact.search(query(q), K), truth);
  const exactBounded = timeEach(QUERIES, (q) => exact.search(query(q), K, MAX_DISTANCE));
  const exactChurn = measureAddRemove(exact, data.vectors, FACES, 1000);
  rows.push({
    name: 'JS brute force, k=10',
    build: seconds(exactBuild),
    memory: mb(exactMemory),
    query: exactUnbounded,
    ...exactChurn,
  });
  rows.push({ name: 'JS brute force, k=10 ≤0.6', build: '', memory: '', query: exactBounded });

  // (b) usearch.
  let usearch: typeof USearch | undefined;
  try {
    usearch = loadUsearch();
  } catch (error) {
    console.log(`\nusearch failed to load: ${String(error)}`);
  }
  if (usearch) {
    // Native SIMD brute force: what a brute-force SQLite vector extension (sqlite-vec's vec0) does.
    progress('usearch exactSearch');
    for (const threads of [1, 2]) {
      const query1 = (q: number) =>
        usearch.exactSearch(base, query(q), DIMENSIONS, K, usearch.MetricKind.L2sq, threads);
      rows.push({
        name: `native SIMD brute force, ${threads} thr`,
        build: '0',
        memory: '0',
        query: timeEach(Math.min(QUERIES, 200), query1),
      });
    }

    const graphs: [string, HnswOptions][] = [[`M=${DEFAULT_HNSW.connectivity}`, {}]];
    if (args['with-m16']) graphs.push(['M=16', { connectivity: 16 }]);
    for (const [label, options] of graphs) {
      progress(`usearch HNSW ${label}: build`);
      rss = settledRss();
      start = performance.now();
      const hnsw = new HnswVectorIndex(usearch, DIMENSIONS, options);
      hnsw.addMany(ids, base);
      const build = performance.now() - start;
      const memory = settledRss() - rss;
      // expansion_search is not stored in the index file: save once, and load into indexes
      // configured with each width instead of rebuilding for each.
      const file = path.join(os.tmpdir(), `kindred-bench-hnsw-${process.pid}.usearch`);
      const native = (hnsw as unknown as { index: USearch.Index }).index;
      native.save(file);
      const fileSize = fs.statSync(file).size;
      const config = { ...DEFAULT_HNSW, ...options };
      try {
        progress(`usearch HNSW ${label}: search`);
        for (const ef of EXPANSIONS) {
          const index = new usearch.Index({
            dimensions: DIMENSIONS,
            metric: usearch.MetricKind.L2sq,
            quantization: usearch.ScalarKind.F32,
            connectivity: config.connectivity,
            expansion_add: config.expansionAdd,
            expansion_search: ef,
            multi: false,
          });
          start = performance.now();
          index.load(file);
          const loaded = performance.now() - start;
          const found: Neighbour[][] = [];
          const search = (q: number): Neighbour[] => {
            const m = index.search(query(q), K, 0);
            return Array.from(m.keys, (key, i) => ({ id: Number(key), distance: Math.sqrt(m.distances[i]) }));
          };
          const query1 = timeEach(QUERIES, search, found);
          const first = ef === EXPANSIONS[0];
          rows.push({
            name: `usearch HNSW ${label} ef=${ef}${ef === config.expansionSearch ? ' *' : ''}`,
            build: first ? `${seconds(build)} (load ${seconds(loaded)})` : '',
            memory: first ? `${mb(memory)} (file ${mb(fileSize)})` : '',
            query: query1,
            recall: recall(truth, found),
          });
          if (ef === config.expansionSearch) {
            // What grouping asks for: its 16 neighbours, plus the face itself.
            const truth17 = exactTruth(usearch, base, query, GROUPING_K);
            const found17: Neighbour[][] = [];
            const search17 = (q: number): Neighbour[] => {
              const m = index.search(query(q), GROUPING_K, 0);
              return Array.from(m.keys, (key, i) => ({
                id: Number(key),
                distance: Math.sqrt(m.distances[i]),
              }));
            };
            rows.push({
              name: `  same, k=${GROUPING_K}`,
              build: '',
              memory: '',
              query: timeEach(QUERIES, search17, found17),
              recall: recall(truth17, found17),
            });
          }
        }
      } finally {
        fs.rmSync(file, { force: true });
      }

      if (label !== 'M=16') {
        // Through the VectorIndex API with the defaults: add/remove at full size, then churn —
        // 10% of the faces re-analysed (removed, added again).
        progress(`usearch HNSW ${label}: churn`);
        const addRemove = measureAddRemove(hnsw, data.vectors, FACES, 1000);
        const reanalysed = Math.round(FACES / 10);
        start = performance.now();
        for (let i = 0; i < reanalysed; i++) {
          const id = i * 10;
          hnsw.remove(id);
          hnsw.add(id, base.subarray(id * DIMENSIONS, (id + 1) * DIMENSIONS));
        }
        const churn = performance.now() - start;
        const found: Neighbour[][] = [];
        rows.push({
          name: `  after 10% remove+add`,
          build: `+${seconds(churn)}`,
          memory: '',
          query: timeEach(QUERIES, (q) => hnsw.search(query(q), K), found),
          recall: recall(truth, found),
          ...addRemove,
        });
      }
    }
  }

  console.log(`  … done (load ${load()})`);
  printTable(rows);
  printDecision(rows);
}

/** Exact top-k of every query by native brute force (2 threads, one batch). */
function exactTruth(
  usearch: typeof USearch,
  base: Float32Array,
  query: (q: number) => Float32Array,
  k: number,
): Neighbour[][] {
  const queries = Array.from({ length: QUERIES }, (_, q) => query(q));
  const result = usearch.exactSearch(base, queries, DIMENSIONS, k, usearch.MetricKind.L2sq, 2);
  const batch = result as USearch.BatchMatches;
  return queries.map((_, q) => {
    const m = QUERIES === 1 ? (result as USearch.Matches) : batch.get(q);
    return Array.from(m.keys, (key, i) => ({ id: Number(key), distance: Math.sqrt(m.distances[i]) }));
  });
}

/** Per-call cost of adding `count` held-out faces, then removing them again. */
function measureAddRemove(
  index: VectorIndex,
  vectors: Float32Array,
  faces: number,
  count: number,
): { add: Latency; remove: Latency } {
  const available = Math.min(count, vectors.length / DIMENSIONS - faces);
  const id = (i: number): number => 10_000_000 + i;
  const vector = (i: number): Float32Array =>
    vectors.subarray((faces + i) * DIMENSIONS, (faces + i + 1) * DIMENSIONS);
  // No warm-up: each call must see a fresh id.
  const add = timeEach(available, (i) => index.add(id(i), vector(i)));
  const remove = timeEach(available, (i) => index.remove(id(i)));
  return { add, remove };
}

function printTable(rows: Row[]): void {
  const header = [
    'candidate',
    'build',
    'memory',
    'query med',
    'p99',
    'cpu/query',
    'recall@10',
    '≤0.5',
    '≤0.5 ±1%',
    'missed',
    'add',
    'remove',
  ];
  const cells = rows.map((r) => [
    r.name,
    r.build,
    r.memory,
    ms(r.query.median),
    ms(r.query.p99),
    ms(r.query.cpu),
    r.recall ? pct(r.recall.at10) : 'exact',
    r.recall ? pct(r.recall.within05) : '',
    r.recall ? pct(r.recall.within05Tolerant) : '',
    r.recall ? String(r.recall.missedMatches) : '',
    r.add ? ms(r.add.median) : '',
    r.remove ? ms(r.remove.median) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log('\n' + line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
  console.log(
    [
      '',
      'Times in ms per call (query: k=10 unless said; wall-clock median and p99, mean CPU). add/remove: median, at full size.',
      '≤0.5: share of the true top-10 neighbours within 0.5 that were found; ±1%: counting a result of',
      'the same rank within 1% of the true distance as found. missed: queries with a true neighbour within',
      `0.6 but none found (of ${QUERIES}). * = the default search width.`,
    ].join('\n'),
  );
}

function printDecision(rows: Row[]): void {
  const exactFast = rows.filter((r) => !r.recall && r.query.p99 < TARGET_MS);
  const chosen = rows.find((r) => r.name.endsWith(' *'));
  const js = rows.find((r) => r.name.includes('≤0.6'));
  const native = rows.find((r) => r.name.startsWith('native'));
  console.log('\nDecision:');
  if (exactFast.length > 0) {
    console.log(`  exact search meets ${TARGET_MS} ms (${exactFast.map((r) => r.name).join(', ')}).`);
  }
  if (!chosen?.recall) {
    console.log('  usearch unavailable: only the exact index was measured.');
    return;
  }
  const meets = chosen.query.median < TARGET_MS && chosen.recall.within05 >= 0.99;
  console.log(
    `  ${meets ? 'usearch HNSW' : 'NOT MET by usearch HNSW'} (${chosen.name.replace('usearch HNSW ', '').replace(' *', '')}, ` +
      `ef_add=${DEFAULT_HNSW.expansionAdd}): median ${ms(chosen.query.median)} ms, p99 ${ms(chosen.query.p99)} ms, ` +
      `${pct(chosen.recall.within05)} of the true neighbours within 0.5 found, ${chosen.recall.missedMatches} missed matches.`,
  );
  console.log(
    `  Exact search reads all ${mb(FACES * DIMENSIONS * 4)} of vectors per query: JS ${ms(js?.query.median ?? NaN)} ms, ` +
      `native SIMD ${ms(native?.query.median ?? NaN)} ms, so neither brute force (nor a brute-force SQLite ` +
      'extension, nor 2 workers) gets near 2 ms. ExactVectorIndex stays as the fallback and the test oracle.',
  );
}

main();
