import type {
  Box,
  FolderError,
  GridPhoto,
  PersonFace,
  PhotoFace,
  PhotoDetail,
  PhotoFilter,
  PhotoStatus,
  TimelineMonth,
} from '../../common/api';
import type { LibraryDatabase } from '../db/open';
import { photoIdsWithPeople } from './photos';

/** What the media endpoints need to make an image of a photo. */
export interface PhotoSource {
  id: number;
  path: string;
  contentHash: string | null;
  status: PhotoStatus;
}

export interface FaceSource {
  faceId: number;
  box: Box;
  photo: PhotoSource;
}

/** A photo's row, before its file name and faces are added for the viewer. */
export type PhotoRecord = Omit<PhotoDetail, 'fileName' | 'faces'>;

/**
 * Newest first; photos without a date last (their order is by id so pages stay stable). Index
 * photos_timeline (migration 0006) holds exactly this order: change both together.
 */
const TIMELINE_ORDER = `ORDER BY p.taken_at IS NULL, p.taken_at DESC, p.id DESC`;

/**
 * The read queries of the app's views (timeline pages, a photo with its faces, a person's faces,
 * review groups). Kept apart from the engine's repositories: these shape data for screens.
 */
export class ViewsRepository {
  private readonly photoSourceStmt;
  private readonly faceSourceStmt;
  private readonly photoStmt;
  private readonly photoFacesStmt;
  private readonly personFacesStmt;
  private readonly suggestionsStmt;
  private readonly folderErrorsStmt;
  private readonly folderByIdStmt;

  constructor(private readonly db: LibraryDatabase) {
    this.photoSourceStmt = db.prepare(
      `SELECT id, path, content_hash AS contentHash, status FROM photos WHERE id = ?`,
    );
    this.faceSourceStmt = db.prepare(
      `SELECT f.id AS faceId, f.x, f.y, f.width, f.height,
              p.id, p.path, p.content_hash AS contentHash, p.status
       FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ?`,
    );
    this.photoStmt = db.prepare(
      `SELECT p.id, p.path, fo.path AS folder, p.width, p.height, p.taken_at AS takenAt, p.camera,
              p.status, p.error
       FROM photos p JOIN folders fo ON fo.id = p.folder_id WHERE p.id = ?`,
    );
    this.photoFacesStmt = db.prepare(
      `SELECT f.id, f.x, f.y, f.width, f.height, f.person_id AS personId, pe.name AS personName,
              EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = f.id) AS confirmed,
              f.suggested_person_id AS suggestedId, sp.name AS suggestedName
       FROM faces f
       LEFT JOIN people pe ON pe.id = f.person_id
       LEFT JOIN people sp ON sp.id = f.suggested_person_id
       WHERE f.photo_id = ? ORDER BY f.x, f.id`,
    );
    this.personFacesStmt = db.prepare(
      `SELECT f.id, f.photo_id AS photoId, p.taken_at AS takenAt,
              EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = f.id) AS confirmed
       FROM faces f JOIN photos p ON p.id = f.photo_id
       WHERE f.person_id = ? ${TIMELINE_ORDER}, f.id LIMIT ? OFFSET ?`,
    );
    this.suggestionsStmt = db.prepare(
      `SELECT f.id AS faceId, f.photo_id AS photoId, f.suggested_person_id AS personId,
              f.suggested_distance AS distance
       FROM faces f
       WHERE f.suggested_person_id IS NOT NULL AND f.person_id IS NULL
       ORDER BY f.suggested_person_id, f.suggested_distance, f.id`,
    );
    this.folderErrorsStmt = db.prepare(
      `SELECT id AS photoId, path, error FROM photos
       WHERE folder_id = ? AND status = 'error' ORDER BY path LIMIT 500`,
    );
    this.folderByIdStmt = db.prepare(`SELECT id, path FROM folders WHERE id = ?`);
  }

  photoSource(photoId: number): PhotoSource | undefined {
    return this.photoSourceStmt.get(photoId) as PhotoSource | undefined;
  }

  faceSource(faceId: number): FaceSource | undefined {
    const row = this.faceSourceStmt.get(faceId) as (PhotoSource & Box & { faceId: number }) | undefined;
    if (!row) return undefined;
    const { faceId: id, x, y, width, height, ...photo } = row;
    return { faceId: id, box: { x, y, width, height }, photo };
  }

  photo(photoId: number): PhotoRecord | undefined {
    return this.photoStmt.get(photoId) as PhotoRecord | undefined;
  }

  photoFaces(photoId: number): PhotoFace[] {
    const rows = this.photoFacesStmt.all(photoId) as (Box & {
      id: number;
      personId: number | null;
      personName: string | null;
      confirmed: number;
      suggestedId: number | null;
      suggestedName: string | null;
    })[];
    return rows.map((row) => ({
      id: row.id,
      box: { x: row.x, y: row.y, width: row.width, height: row.height },
      personId: row.personId,
      personName: row.personName,
      confirmed: row.confirmed === 1,
      suggestion:
        row.suggestedId !== null && row.suggestedName !== null
          ? { personId: row.suggestedId, personName: row.suggestedName }
          : null,
    }));
  }

  /** Month buckets of the photos matching `filter`, newest first. */
  timeline(filter: PhotoFilter): TimelineMonth[] {
    const { where, params } = filterSql(filter);
    return this.db
      .prepare(
        `SELECT substr(p.taken_at, 1, 7) AS month, COUNT(*) AS count FROM photos p ${where}
         GROUP BY month ORDER BY month IS NULL, month DESC`,
      )
      .all(...params) as TimelineMonth[];
  }

  photoPage(filter: PhotoFilter, offset: number, limit: number): GridPhoto[] {
    const { where, params } = filterSql(filter);
    return this.db
      .prepare(
        `SELECT p.id, p.width, p.height, p.taken_at AS takenAt FROM photos p ${where}
         ${TIMELINE_ORDER} LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as GridPhoto[];
  }

  personFaces(personId: number, offset: number, limit: number): PersonFace[] {
    const rows = this.personFacesStmt.all(personId, limit, offset) as (Omit<PersonFace, 'confirmed'> & {
      confirmed: number;
    })[];
    return rows.map((row) => ({ ...row, confirmed: row.confirmed === 1 }));
  }

  suggestions(): { faceId: number; photoId: number; personId: number; distance: number }[] {
    return this.suggestionsStmt.all() as {
      faceId: number;
      photoId: number;
      personId: number;
      distance: number;
    }[];
  }

  folderErrors(folderId: number): FolderError[] {
    return this.folderErrorsStmt.all(folderId) as FolderError[];
  }

  folder(folderId: number): { id: number; path: string } | undefined {
    return this.folderByIdStmt.get(folderId) as { id: number; path: string } | undefined;
  }
}

/** The WHERE clause of a people filter (see photoIdsWithPeople). */
function filterSql(filter: PhotoFilter): { where: string; params: unknown[] } {
  if (!filter.personIds?.length) return { where: '', params: [] };
  const people = photoIdsWithPeople(filter.personIds, filter.anyPerson ?? false);
  return { where: `WHERE p.id IN (${people.sql})`, params: people.params };
}
