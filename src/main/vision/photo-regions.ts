import { matchRegions, toPixels } from '../interchange/match-regions';
import { readPhotoRegions } from '../interchange/read-regions';
import { PhotoReadError } from './decode';
import type { Sessions } from './models';
import { embedFaceAt, type PhotoAnalysis } from './pipeline';
import type { AnalysedRegion } from './task';

/** Smallest region side embedded as a face (as for a face drawn with `kindred add-face`). */
const MIN_REGION_PX = 8;

/**
 * The photo's named XMP face regions in upright pixels. A region that no detected face matches
 * is embedded here, in the worker that already holds the file, exactly as `kindred add-face`
 * embeds a drawn box; the single writer then decides what to store (see interchange/apply-regions).
 */
export async function analyseRegions(
  photoPath: string,
  bytes: Buffer,
  analysis: PhotoAnalysis,
  sessions: Sessions,
): Promise<{ regions: AnalysedRegion[]; warning: string | null }> {
  const { header } = analysis;
  const reading = await readPhotoRegions(photoPath, header.xmp, header.orientation);
  const warnings = reading.warning ? [reading.warning] : [];
  const boxes = reading.regions.map((region) => toPixels(region.box, header.width, header.height));
  const matches = matchRegions(
    boxes,
    analysis.faces.map((face) => face.box),
  );
  const regions: AnalysedRegion[] = [];
  for (const [i, region] of reading.regions.entries()) {
    const box = boxes[i];
    if (matches[i] !== undefined) {
      regions.push({ name: region.name, box, face: null });
      continue;
    }
    if (box.width < MIN_REGION_PX || box.height < MIN_REGION_PX) {
      warnings.push(
        `the face region "${region.name}" is smaller than ${MIN_REGION_PX}×${MIN_REGION_PX} pixels`,
      );
      continue;
    }
    try {
      const { face } = await embedFaceAt(bytes, sessions, box);
      regions.push({ name: region.name, box, face });
    } catch (error) {
      if (!(error instanceof PhotoReadError)) throw error;
      warnings.push(`the face region "${region.name}" could not be embedded (${error.message})`);
    }
  }
  return { regions, warning: warnings.length > 0 ? warnings.join('; ') : null };
}
