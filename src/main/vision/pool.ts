import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { resolveModelsDir } from './models';
import type { AnalyseResult, AnalyseTask, EmbedBoxResult, EmbedBoxTask, VisionTask } from './task';

export interface AnalysisPool {
  analyse(task: AnalyseTask): Promise<AnalyseResult>;
  embedBox(task: Omit<EmbedBoxTask, 'kind'>): Promise<EmbedBoxResult>;
  close(): Promise<void>;
  readonly workers: number;
  /** How many photos the pool analyses at once: TASKS_PER_WORKER in each worker. */
  readonly slots: number;
}

/** The built worker script (out/main/vision-worker.js), found from wherever this module runs. */
export function resolveWorkerFile(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const candidate of [
      path.join(dir, 'vision-worker.js'),
      path.join(dir, 'out', 'main', 'vision-worker.js'),
    ]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(
    `The vision worker was not found near ${start}. Run \`npm run build\` in the Kindred checkout.`,
  );
}

export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Photos a worker analyses at once. ONNX Runtime runs a net on the worker's own thread, while
 * sharp decodes, resizes and encodes on libuv's threads; with two photos in a worker, one photo's
 * decode and previews run while the other's nets do, and the cores stay busy. bench:ingest's
 * default pipeline, 2 workers on 2 cores, five runs of each alternated (tenth session): one photo
 * a worker 9.21 photos/s on average, peak RSS 760–855 MB; two 9.96 (+8%, faster in every pair),
 * 804–951 MB, and 737–805 MB once the frame-filling detector loaded only when needed (detector.ts).
 * The eighth session's slower machine gained 6% from it (docs/benchmarks.md).
 */
export const TASKS_PER_WORKER = 2;

/** A pool of vision workers, one per core unless told otherwise; each runs TASKS_PER_WORKER photos at a time. */
export function createAnalysisPool(
  options: { workers?: number; modelsDir?: string; workerFile?: string; previewsDir?: string } = {},
): AnalysisPool {
  const workers = options.workers ?? defaultWorkerCount();
  const piscina = new Piscina<VisionTask, AnalyseResult | EmbedBoxResult>({
    filename: options.workerFile ?? resolveWorkerFile(),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: TASKS_PER_WORKER,
    idleTimeout: 60_000,
    workerData: { modelsDir: options.modelsDir ?? resolveModelsDir() },
  });
  // Tasks still running when the pool closes: a worker terminated inside ONNX Runtime's native
  // code (a session still loading) aborts the whole process ("terminate called after throwing an
  // instance of 'Napi::Error'"), which `kindred verify` did whenever its first image failed.
  const running = new Set<Promise<unknown>>();
  const track = <T>(task: Promise<T>): Promise<T> => {
    running.add(task);
    const forget = () => running.delete(task);
    task.then(forget, forget);
    return task;
  };
  return {
    workers,
    slots: workers * TASKS_PER_WORKER,
    analyse: (task) =>
      track(
        piscina.run({ previewsDir: options.previewsDir, ...task, kind: 'analyse' }) as Promise<AnalyseResult>,
      ),
    embedBox: (task) => track(piscina.run({ ...task, kind: 'embed-box' }) as Promise<EmbedBoxResult>),
    close: async () => {
      await Promise.allSettled([...running]);
      await piscina.destroy();
    },
  };
}
