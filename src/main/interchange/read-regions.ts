import fs from 'node:fs/promises';
import path from 'node:path';
import { isPhotoPath, PHOTO_EXTENSIONS } from '../scanner/walk';
import { readFaceRegions, type RegionsReading } from './xmp-regions';
import { MAX_XMP_BYTES } from './xmp-tree';

/**
 * The sidecars a photo may have, in the order they are tried: `photo.jpg.xmp` (digiKam,
 * darktable, and what `kindred sidecars` writes) names one file unambiguously; `photo.xmp`
 * (Lightroom, Capture One) could belong to a RAW of the same name too.
 */
export function sidecarCandidates(photoPath: string): string[] {
  const parsed = path.parse(photoPath);
  return [`${photoPath}.xmp`, path.join(parsed.dir, `${parsed.name}.xmp`)];
}

type Sidecar = { bytes: Buffer } | { tooLarge: number } | undefined;

export function isSidecarPath(filePath: string): boolean {
  return path.extname(filePath).toLowerCase() === '.xmp';
}

/** The photo paths a sidecar may belong to (the inverse of sidecarCandidates). */
export function photosOfSidecar(sidecar: string): string[] {
  const stem = sidecar.slice(0, -path.extname(sidecar).length);
  // photo.jpg.xmp names its photo; photo.xmp may go with photo.jpg, photo.png, photo.JPG…
  if (isPhotoPath(stem)) return [stem];
  return [...PHOTO_EXTENSIONS].flatMap((extension) => [
    `${stem}${extension}`,
    `${stem}${extension.toUpperCase()}`,
  ]);
}

async function readSidecar(file: string): Promise<Sidecar> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return undefined;
    // Not read at all when over the limit: the parser would refuse it, and it could be huge.
    if (stat.size > MAX_XMP_BYTES) return { tooLarge: stat.size };
    return { bytes: await handle.readFile() };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * The named face regions of a photo, from its sidecar when one holds regions, else from its
 * embedded XMP (a sidecar is what a catalogue program wrote last; see docs/xmp.md). Boxes are
 * upright and normalized. Never throws: problems become the warning.
 */
export async function readPhotoRegions(
  photoPath: string,
  embedded: Buffer | undefined,
  orientation: number | undefined,
): Promise<RegionsReading> {
  const warnings: string[] = [];
  for (const candidate of sidecarCandidates(photoPath)) {
    const content = await readSidecar(candidate);
    if (content === undefined) continue;
    const label = `sidecar ${path.basename(candidate)}`;
    if ('tooLarge' in content) {
      warnings.push(
        `face regions in the ${label} were ignored: it is ${Math.round(content.tooLarge / 1024)} KiB, over Kindred's limit of ` +
          `${MAX_XMP_BYTES / 1024} KiB for XMP`,
      );
      continue;
    }
    const reading = readFaceRegions(content.bytes, orientation, label);
    if (reading.warning) warnings.push(reading.warning);
    if (reading.regions.length > 0) return { regions: reading.regions, warning: joined(warnings) };
  }
  if (embedded && embedded.length > 0) {
    const reading = readFaceRegions(embedded, orientation, 'embedded XMP');
    if (reading.warning) warnings.push(reading.warning);
    return { regions: reading.regions, warning: joined(warnings) };
  }
  return { regions: [], warning: joined(warnings) };
}

const joined = (warnings: string[]) => (warnings.length > 0 ? warnings.join('; ') : null);
