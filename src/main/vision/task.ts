import type { AnalysedFace, PipelineOptions, StageTimings } from './pipeline';

/** One unit of work for the pool: one photo file. Plain data, so it crosses threads cheaply. */
export interface AnalyseTask {
  path: string;
  options: PipelineOptions;
}

export interface FileFacts {
  size: number;
  mtimeMs: number;
}

export type AnalyseResult =
  | {
      ok: true;
      file: FileFacts & { contentHash: string };
      width: number;
      height: number;
      takenAt: string | null;
      camera: string | null;
      warning: string | null;
      faces: AnalysedFace[];
      timings: StageTimings;
    }
  | {
      ok: false;
      /** What went wrong, naming the cause; stored on the photo. */
      error: string;
      /** What was on disk when the read was tried, when the file could be opened at all. */
      file: FileFacts | null;
    };
