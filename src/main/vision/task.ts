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

/** A named face region read from the photo's XMP (embedded or sidecar). */
export interface AnalysedRegion {
  name: string;
  /** Upright photo pixels, like face boxes. */
  box: { x: number; y: number; width: number; height: number };
  /**
   * The face embedded at the region's box when no detected face matched it (the writer stores it
   * as a drawn face); null when a detected face matched, or when the box could not be embedded.
   */
  face: AnalysedFace | null;
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
      /** Named face regions from XMP, to be matched to the stored faces by the writer. */
      regions: AnalysedRegion[];
      timings: StageTimings;
    }
  | {
      ok: false;
      /** What went wrong, naming the cause; stored on the photo. */
      error: string;
      /** What was on disk when the read was tried, when the file could be opened at all. */
      file: FileFacts | null;
    };
