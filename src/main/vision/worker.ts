/**
 * A vision worker thread (piscina). Each worker loads its own ONNX Runtime sessions once and
 * analyses one photo per task, TASKS_PER_WORKER tasks at a time (pool.ts); it never touches
 * SQLite: results go back to the single writer.
 */
import sharp from 'sharp';
import { workerData } from 'node:worker_threads';
import { analyseFile, embedBoxInFile } from './analyse-file';
import { loadSessions, type Sessions } from './models';
import type { AnalyseResult, EmbedBoxResult, VisionTask } from './task';

// The pool already runs one worker per core; libvips' own threads would only contend with them.
sharp.concurrency(1);
sharp.cache(false);

let sessions: Promise<Sessions> | undefined;

export default async function run(task: VisionTask): Promise<AnalyseResult | EmbedBoxResult> {
  // No detector up front: the first task's pipeline options say which ones (fp32, int8 or both) it
  // needs, and a worker that never runs one never holds it.
  sessions ??= loadSessions((workerData as { modelsDir: string }).modelsDir, []);
  return task.kind === 'embed-box' ? embedBoxInFile(task, await sessions) : analyseFile(task, await sessions);
}
