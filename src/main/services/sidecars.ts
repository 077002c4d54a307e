import sharp from 'sharp';
import type { SidecarReport } from '../../common/api';
import { SidecarError, writeSidecar } from '../interchange/sidecar';
import type { NamedRegion } from '../interchange/xmp-write';
import { photoIdsWithPeople } from '../repositories/photos';
import type { LibraryService } from './library';

export type { SidecarReport };

interface NamedFaceRow {
  photoId: number;
  path: string;
  photoWidth: number;
  photoHeight: number;
  x: number;
  y: number;
  width: number;
  height: number;
  name: string;
}

/** Every face of a named person, by photo, for the photos with any of `personIds` (or all). */
export function namedFacesByPhoto(
  library: LibraryService,
  personIds: readonly number[],
): Map<number, { path: string; width: number; height: number; regions: NamedRegion[] }> {
  const filter = personIds.length > 0 ? photoIdsWithPeople(personIds, true) : undefined;
  const rows = library.deps.db
    .prepare(
      `SELECT p.id AS photoId, p.path, p.width AS photoWidth, p.height AS photoHeight,
              f.x, f.y, f.width, f.height, pe.name
       FROM faces f JOIN photos p ON p.id = f.photo_id JOIN people pe ON pe.id = f.person_id
       WHERE pe.name IS NOT NULL AND p.status = 'indexed' AND p.width IS NOT NULL
         ${filter ? `AND p.id IN (${filter.sql})` : ''}
       ORDER BY p.path, f.x, f.id`,
    )
    .all(...(filter?.params ?? [])) as NamedFaceRow[];
  const photos = new Map<number, { path: string; width: number; height: number; regions: NamedRegion[] }>();
  for (const row of rows) {
    let photo = photos.get(row.photoId);
    if (!photo) {
      photo = { path: row.path, width: row.photoWidth, height: row.photoHeight, regions: [] };
      photos.set(row.photoId, photo);
    }
    photo.regions.push({
      name: row.name,
      box: {
        x: row.x / row.photoWidth,
        y: row.y / row.photoHeight,
        width: row.width / row.photoWidth,
        height: row.height / row.photoHeight,
      },
    });
  }
  return photos;
}

/**
 * Writes an XMP sidecar beside each photo with named faces (of `personReferences`, or of anyone),
 * with every named face of the photo as a region. The photos themselves are never written.
 */
export async function writeSidecars(
  library: LibraryService,
  personReferences: readonly string[],
): Promise<SidecarReport[]> {
  const personIds = library.people.resolvePeople(personReferences);
  const reports: SidecarReport[] = [];
  for (const photo of namedFacesByPhoto(library, personIds).values()) {
    const report: SidecarReport = { photo: photo.path, sidecar: null, faces: 0, backup: null, error: null };
    reports.push(report);
    try {
      const metadata = await sharp(photo.path).metadata();
      const orientation = metadata.orientation ?? 1;
      const swap = orientation >= 5;
      const [width, height] = swap ? [metadata.height, metadata.width] : [metadata.width, metadata.height];
      if (width !== photo.width || height !== photo.height) {
        report.error = `the photo is ${width}×${height} now, not ${photo.width}×${photo.height} as last scanned; run kindred scan first`;
        continue;
      }
      const written = writeSidecar(photo.path, photo.regions, photo, orientation, library.deps.clock.now());
      Object.assign(report, { sidecar: written.sidecar, faces: written.regions, backup: written.backup });
    } catch (error) {
      report.error =
        error instanceof SidecarError
          ? error.message
          : `cannot read the photo (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }
  return reports;
}
