/**
 * One Kindred configuration: a fresh library in a temporary folder scans the photo folder
 * through the public LibraryService, exactly as `kindred scan` would.
 *
 * The timing covers the whole scan() call: walking the folder, starting the worker pool and
 * loading the models in each worker (the pool only exists inside scan()), analysis, the single
 * writer's transactions, and grouping the new faces into people.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveLibrary } from '../src/main/library-paths';
import { openLibrary } from '../src/main/open-library';
import type { PipelineOptions } from '../src/main/vision/pipeline';
import { defaultWorkerCount } from '../src/main/vision/pool';
import { startClocks, type RunResult } from './run-result';

export async function runKindred(
  run: RunResult['run'],
  photosDir: string,
  pipeline: PipelineOptions,
  workers: number | undefined,
): Promise<Omit<RunResult, 'peakRssBytes'>> {
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-bench-'));
  const library = openLibrary(resolveLibrary(libraryDir));
  try {
    const clocks = startClocks();
    const summary = await library.scan([photosDir], { workers, pipeline });
    const timing = clocks.stop();
    return {
      run,
      photos: summary.indexed + summary.failed,
      failed: summary.failed,
      faces: summary.facesFound,
      ...timing,
      stageMs: {
        ...summary.stageMs,
        // What scan() does after the analysis: close the pool, then group the new faces into people.
        afterScan: timing.endedAt - timing.startedAt - summary.elapsedMs,
      },
      workers: workers ?? defaultWorkerCount(),
      loadMs: null,
    };
  } finally {
    library.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }
}
