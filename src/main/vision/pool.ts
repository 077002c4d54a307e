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

/** A pool of vision workers, one per core unless told otherwise; each runs one photo at a time. */
export function createAnalysisPool(
  options: { workers?: number; modelsDir?: string; workerFile?: string; previewsDir?: string } = {},
): AnalysisPool {
  const workers = options.workers ?? defaultWorkerCount();
  const piscina = new Piscina<VisionTask, AnalyseResult | EmbedBoxResult>({
    filename: options.workerFile ?? resolveWorkerFile(),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
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
