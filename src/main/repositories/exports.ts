import type { Box, PhotoStatus } from '../../common/api';
import type { LibraryDatabase } from '../db/open';
import { blobToFloats } from './blobs';
import { photoIdsWithPeople } from './photos';

/** A photo as an export needs it. */
export interface ExportPhoto {
  id: number;
  path: string;
  takenAt: string | null;
  /** Upright size of the original, as the face boxes are measured. */
  width: number | null;
  height: number | null;
  status: PhotoStatus;
}

/** A face as an export draws and lists it; personName is null for nobody or an unnamed person. */
export interface ExportFace {
  id: number;
  box: Box;
  score: number;
  personId: number | null;
  personName: string | null;
}

/** The read queries of exports: which photos, their faces with names, every photo's file name. */
export class ExportsRepository {
  private readonly photoStmt;
  private readonly facesStmt;
  private readonly namesStmt;
  private readonly withNamedFacesStmt;
  private readonly withFacesStmt;
  private readonly underStmt;
  private readonly embeddingsStmt;

  constructor(private readonly db: LibraryDatabase) {
    this.photoStmt = db.prepare(
      `SELECT id, path, taken_at AS takenAt, width, height, status FROM photos WHERE id = ?`,
    );
    this.facesStmt = db.prepare(
      `SELECT f.id, f.x, f.y, f.width, f.height, f.score, f.person_id AS personId, pe.name AS personName
       FROM faces f LEFT JOIN people pe ON pe.id = f.person_id
       WHERE f.photo_id = ? ORDER BY f.x, f.id`,
    );
    // A range over the unique path index, as PhotosRepository.knownUnder.
    this.underStmt = db.prepare(
      `SELECT id, path, taken_at AS takenAt, width, height, status, error FROM photos
       WHERE path >= ? AND path < ? ORDER BY path`,
    );
    this.embeddingsStmt = db.prepare(
      `SELECT id, x, y, width, height, embedding FROM faces WHERE photo_id = ? ORDER BY x, id`,
    );
    this.namesStmt = db.prepare(`SELECT id, path FROM photos`);
    this.withNamedFacesStmt = db
      .prepare(
        `SELECT DISTINCT f.photo_id FROM faces f JOIN people pe ON pe.id = f.person_id
         WHERE pe.name IS NOT NULL ORDER BY f.photo_id`,
      )
      .pluck();
    this.withFacesStmt = db
      .prepare(`SELECT id FROM photos WHERE status = 'indexed' AND face_count > 0 ORDER BY id`)
      .pluck();
  }

  photo(id: number): ExportPhoto | undefined {
    return this.photoStmt.get(id) as ExportPhoto | undefined;
  }

  faces(photoId: number): ExportFace[] {
    return (this.facesStmt.all(photoId) as (Box & Omit<ExportFace, 'box'>)[]).map(
      ({ x, y, width, height, ...face }) => ({ ...face, box: { x, y, width, height } }),
    );
  }

  /** The photos inside `dir` (no trailing separator), by path. */
  photosUnder(dir: string, separator: string): (ExportPhoto & { error: string | null })[] {
    const after = String.fromCharCode(separator.charCodeAt(0) + 1);
    return this.underStmt.all(dir + separator, dir + after) as (ExportPhoto & { error: string | null })[];
  }

  /** A photo's faces with their embeddings, left to right. */
  facesWithEmbeddings(photoId: number): { id: number; box: Box; embedding: Float32Array }[] {
    return (this.embeddingsStmt.all(photoId) as (Box & { id: number; embedding: Buffer })[]).map(
      ({ id, embedding, ...box }) => ({ id, box, embedding: blobToFloats(embedding) }),
    );
  }

  /** Every photo of the library, for copy names that stay the same from one export to the next. */
  allFileNames(): { id: number; path: string }[] {
    return this.namesStmt.all() as { id: number; path: string }[];
  }

  /** Photos with at least one named face (or with any face, when unnamed ones are drawn too). */
  photosWithFaces(includeUnnamed: boolean): number[] {
    return (includeUnnamed ? this.withFacesStmt : this.withNamedFacesStmt).all() as number[];
  }

  /** Photos with all (or any) of these people, as `kindred photos --person` selects them. */
  photosWithPeople(personIds: readonly number[], anyPerson: boolean): number[] {
    const people = photoIdsWithPeople(personIds, anyPerson);
    return this.db
      .prepare(`SELECT id FROM photos WHERE id IN (${people.sql}) ORDER BY id`)
      .pluck()
      .all(...people.params) as number[];
  }
}
