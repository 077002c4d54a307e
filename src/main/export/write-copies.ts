import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../write-file-atomically';
import { annotatePhoto, type CopyOptions, type FaceToDraw } from './annotate';
import type { DrawnFace } from './finish-copy';
import type { LabelFont } from './label-font';

/** One copy to make. */
export interface CopyJob {
  /** The original, only ever read. */
  source: string;
  /** The copy's file name in the output folder (see copyFileNames). */
  fileName: string;
  faces: FaceToDraw[];
}

export interface WrittenCopy {
  job: CopyJob;
  /** Absolute path of the copy. */
  file: string;
  width: number;
  height: number;
  faces: DrawnFace[];
}

export interface CopiesReport {
  written: WrittenCopy[];
  failed: { source: string; error: string }[];
}

/**
 * Writes the copies one by one (each through a temporary file, so an interrupted export never
 * leaves half a JPEG under a real name). A photo that cannot be read is reported and skipped;
 * the others are still written. A copy that would land on its own original is refused.
 */
export async function writeCopies(
  jobs: readonly CopyJob[],
  outDir: string,
  font: LabelFont,
  options: CopyOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<CopiesReport> {
  const report: CopiesReport = { written: [], failed: [] };
  onProgress?.(0, jobs.length);
  for (const [index, job] of jobs.entries()) {
    const file = path.join(outDir, job.fileName);
    try {
      if (sameFile(file, job.source)) throw new Error('the copy would replace the original');
      const copy = await annotatePhoto(job.source, job.faces, font, options);
      await writeFileAtomically(file, copy.jpeg);
      report.written.push({ job, file, width: copy.width, height: copy.height, faces: copy.faces });
    } catch (error) {
      report.failed.push({ source: job.source, error: readable(error) });
    }
    onProgress?.(index + 1, jobs.length);
  }
  return report;
}

function sameFile(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

function readable(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Input file is missing|ENOENT/.test(message)) {
    return 'the file is missing (moved, deleted, or on a drive that is not connected)';
  }
  return message;
}
