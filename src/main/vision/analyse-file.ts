import { PhotoReadError } from './decode';
import type { Sessions } from './models';
import { analysePhoto, embedFaceAt } from './pipeline';
import { analyseRegions } from './photo-regions';
import { writePreviews } from './previews';
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
    const analysis = await analysePhoto(file.bytes, sessions, task.options, {
      path: task.path,
      ...file.facts,
    });
    let previewWarning: string | null = null;
    if (task.previewsDir) {
      try {
        await writePreviews({
          cacheDir: task.previewsDir,
          contentHash: file.contentHash,
          file: file.bytes,
          width: analysis.header.width,
          height: analysis.header.height,
          views: analysis.views,
          faces: analysis.faces,
        });
      } catch (error) {
        // The photo is analysed all the same; the media service makes its previews when first shown.
        previewWarning = `could not cache its thumbnail (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    const regions = await analyseRegions(task.path, file.bytes, analysis, sessions);
    return {
      ok: true,
      file: { ...file.facts, contentHash: file.contentHash },
      width: analysis.header.width,
      height: analysis.header.height,
      takenAt: analysis.header.takenAt,
      camera: analysis.header.camera,
      warning: joinWarnings(analysis.header.warning, regions.warning, previewWarning),
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

const joinWarnings = (...warnings: (string | null)[]) => warnings.filter(Boolean).join('; ') || null;
