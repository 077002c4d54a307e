/** Turns the runs' results into the printed report: throughput table, targets, stage times. */
import { coresBusy } from './cpu-load';
import type { FaceCount } from './make-photos';
import type { RunResult } from './run-result';

/** The targets for 2-core machines. */
export const TARGETS = { likeForLikeRatio: 4, defaultPhotosPerSecond: 8, peakRssBytes: 1e9 };

/** Other processes' average load (cores) above which a row is marked as disturbed. */
export const DISTURBED_CORES = 0.2;

/** One row of the throughput table; a face-api pair is one row made of two processes. */
export interface Row {
  label: string;
  results: RunResult[];
  expected: FaceCount;
}

export function wallMs(results: readonly RunResult[]): number {
  return Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
export const photosOf = (row: Row) => sum(row.results.map((r) => r.photos));
export const photosPerSecond = (row: Row) => photosOf(row) / (wallMs(row.results) / 1000);
/** Photos per second of CPU time: what a configuration costs, whatever else the machine was doing. */
export const photosPerCpuSecond = (row: Row) => photosOf(row) / (sum(row.results.map((r) => r.cpuMs)) / 1000);
/** Per process: each process of a pair has its own peak. */
export const peakRssOf = (row: Row) => Math.max(...row.results.map((r) => r.peakRssBytes));

/**
 * Average cores used over the row's wall time: by its own processes, and by every other process
 * on the machine (null where /proc/stat cannot be read).
 */
export function cpuOf(row: Row): { own: number; others: number | null } {
  const wall = wallMs(row.results);
  const own = sum(row.results.map((r) => r.cpuMs)) / wall;
  const first = row.results.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
  const last = row.results.reduce((a, b) => (b.endedAt > a.endedAt ? b : a));
  const machine = coresBusy(first.ticksAtStart, last.ticksAtEnd);
  return { own, others: machine === null ? null : Math.max(0, machine - own) };
}

export const megabytes = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
export const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** Left-aligns the first column and right-aligns the others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function throughputTable(rows: readonly Row[]): string {
  return table(
    [
      'configuration',
      'photos',
      'faces',
      'expected',
      'wall s',
      'photos/s',
      'peak RSS',
      'CPU',
      'others',
      'photos/CPU-s',
    ],
    rows.map((row) => {
      const rss = peakRssOf(row);
      const cpu = cpuOf(row);
      return [
        row.label,
        String(photosOf(row)),
        String(sum(row.results.map((r) => r.faces))),
        row.expected.min === row.expected.max
          ? String(row.expected.min)
          : `${row.expected.min}–${row.expected.max}`,
        fixed(wallMs(row.results) / 1000),
        fixed(photosPerSecond(row), 2),
        row.results.length > 1 ? `${megabytes(rss)} each` : megabytes(rss),
        fixed(cpu.own, 2),
        cpu.others === null ? '?' : `${fixed(cpu.others, 2)}${cpu.others > DISTURBED_CORES ? ' !' : ''}`,
        fixed(photosPerCpuSecond(row), 2),
      ];
    }),
  );
}

/** Stages run by the workers, each photo in one worker. */
const WORKER_STAGES = ['decode', 'detect', 'landmarks', 'align', 'embed'];
/** Main-thread work: the writer's transactions, and what scan() does once the analysis is done. */
const MAIN_STAGES = ['write', 'afterScan'];

/**
 * Milliseconds per photo in each stage. Worker stages are each photo's wall time in its worker,
 * summed over the photos; with TASKS_PER_WORKER photos at once in a worker they overlap, and
 * `workers total` exceeds `wall × workers / photos` (up to TASKS_PER_WORKER times).
 */
export function stageTable(rows: readonly Row[]): string {
  return table(
    ['ms per photo', ...WORKER_STAGES, 'workers total', 'write', 'grouping etc.', 'wall×workers/photos'],
    rows.map((row) => {
      const [result] = row.results;
      const perPhoto = (stage: string) => (result.stageMs[stage] ?? 0) / result.photos;
      const worker = WORKER_STAGES.map(perPhoto);
      return [
        row.label,
        ...worker.map((ms) => fixed(ms)),
        fixed(sum(worker)),
        ...MAIN_STAGES.map((stage) => fixed(perPhoto(stage))),
        fixed((wallMs(row.results) * result.workers) / result.photos),
      ];
    }),
  );
}

/** face-api has two stages only: the decode, then detect + landmarks + descriptors in one call. */
export function faceApiStageTable(rows: readonly Row[]): string {
  return table(
    ['ms per photo', 'decode', 'detect+landmarks+descriptors', 'model load (ms, once per process)'],
    rows.map((row) => {
      const photos = photosOf(row);
      const stage = (name: string) => fixed(sum(row.results.map((r) => r.stageMs[name] ?? 0)) / photos);
      return [
        row.label,
        stage('decode'),
        stage('detectAll'),
        row.results.map((r) => fixed(r.loadMs ?? 0, 0)).join(' / '),
      ];
    }),
  );
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}
