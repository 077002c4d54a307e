import type { AnalysedFace, PipelineOptions, StageTimings } from './pipeline';

/** One unit of work for the pool: one photo file. Plain data, so it crosses threads cheaply. */
export interface AnalyseTask {
  kind?: 'analyse';
  path: string;
  options: PipelineOptions;
  /**
   * The library's cache folder: when given, the worker also writes the photo's thumbnail and face
   * crops there (see previews.ts), so the photo stays browsable while its drive is unplugged.
   */
  previewsDir?: string;
}

/** Embed one face at a box the user drew (the detector missed it). */
export interface EmbedBoxTask {
  kind: 'embed-box';
  path: string;
  box: { x: number; y: number; width: number; height: number };
}

export type VisionTask = AnalyseTask | EmbedBoxTask;

export type EmbedBoxResult =
  { ok: true; face: AnalysedFace; width: number; height: number } | { ok: false; error: string };

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
