import { PhotoReadError } from './decode';
import type { Sessions } from './models';
import { analysePhoto, embedFaceAt } from './pipeline';
import { analyseRegions } from './photo-regions';
import { FileReadError, readPhotoFile } from './read-file';
import type { AnalyseResult, AnalyseTask, EmbedBoxResult, EmbedBoxTask } from './task';

/** Reads and analyses one photo file; every failure becomes a result naming its cause, never a throw. */
export async function analyseFile(task: AnalyseTask, sessions: Sessions): Promise<AnalyseResult> {
  let file: Awaited<ReturnType<typeof readPhotoFile>>;
  try {
    file = await readPhotoFile(task.path);
  } catch (error) {
    if (error instanceof FileReadError) return { ok: false, error: error.message, file: error.file };
    throw error;
  }
  try {
    const analysis = await analysePhoto(file.bytes, sessions, task.options);
    const regions = await analyseRegions(task.path, file.bytes, analysis, sessions);
    const warnings = [analysis.header.warning, regions.warning].filter((text) => text !== null);
    return {
      ok: true,
      file: { ...file.facts, contentHash: file.contentHash },
      width: analysis.header.width,
      height: analysis.header.height,
      takenAt: analysis.header.takenAt,
      camera: analysis.header.camera,
      warning: warnings.length > 0 ? warnings.join('; ') : null,
      faces: analysis.faces,
      regions: regions.regions,
      timings: analysis.timings,
    };
  } catch (error) {
    const message =
      error instanceof PhotoReadError
        ? error.message
        : `internal error while analysing (${error instanceof Error ? error.message : String(error)}); please report it`;
    return { ok: false, error: message, file: file.facts };
  }
}

export async function embedBoxInFile(task: EmbedBoxTask, sessions: Sessions): Promise<EmbedBoxResult> {
  try {
    const { bytes } = await readPhotoFile(task.path);
    const { header, face } = await embedFaceAt(bytes, sessions, task.box);
    return { ok: true, face, width: header.width, height: header.height };
  } catch (error) {
    if (error instanceof FileReadError || error instanceof PhotoReadError)
      return { ok: false, error: error.message };
    throw error;
  }
}
