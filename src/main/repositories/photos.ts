import type { PhotoStatus, PhotoSummary } from '../../common/api';
import type { Statement } from 'better-sqlite3';
import type { LibraryDatabase } from '../db/open';

/** What change detection needs to know about a photo already in the library. */
export interface KnownFile {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  status: PhotoStatus;
  /** SHA-256 of the bytes last analysed; null until the photo has been read once. */
  contentHash: string | null;
}

/** A photo that may be the same file as a new one seen elsewhere (same size, known content). */
export interface HashedPhoto {
  id: number;
  folderId: number;
  path: string;
  size: number;
  contentHash: string;
}

/**
 * The ids of the photos with all of `personIds` in them (or any of them): SQL and its parameters.
 * All: the intersection of each person's photos, each read in photo order from the covering index
 * faces_person_photo, so SQLite merges them without a sort.
 */
export function photoIdsWithPeople(
  personIds: readonly number[],
  anyPerson: boolean,
): { sql: string; params: number[] } {
  const ids = [...new Set(personIds)];
  const sql = anyPerson
    ? `SELECT photo_id FROM faces WHERE person_id IN (${ids.map(() => '?').join(', ')})`
    : ids.map(() => 'SELECT photo_id FROM faces WHERE person_id = ?').join(' INTERSECT ');
  return { sql, params: ids };
}

/** A photo list: PhotosRepository.list adds its filter, order and page. */
const LIST_SQL = `
  SELECT p.id, p.path, p.width, p.height, p.taken_at AS takenAt, p.status, p.error,
         p.face_count AS faces
  FROM photos p`;

/** A row of a photo list, as an array: the columns of LIST_SQL, in order. */
type PhotoRow = [
  number,
  string,
  number | null,
  number | null,
  string | null,
  PhotoStatus,
  string | null,
  number,
];

/**
 * A list row as the API returns it. better-sqlite3 builds a row object property by property through
 * the V8 API, which took a third of the time of listing the ~5,700 photos two big people share;
 * a raw row and an object literal made here cost far less (same keys, same order).
 */
function toSummary(row: PhotoRow): PhotoSummary {
  return {
    id: row[0],
    path: row[1],
    width: row[2],
    height: row[3],
    takenAt: row[4],
    status: row[5],
    error: row[6],
    faces: row[7],
  };
}

/** Another photo with the same bytes. */
export interface Twin {
  id: number;
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
}

export interface AnalysedPhoto {
  size: number;
  mtimeMs: number;
  contentHash: string;
  width: number;
  height: number;
  takenAt: string | null;
  camera: string | null;
  /** A note on something that did not stop indexing (for example unreadable EXIF), or null. */
  warning: string | null;
}

export interface PendingPhoto {
  id: number;
  path: string;
}

export class PhotosRepository {
  private readonly insertPendingStmt;
  private readonly markPendingStmt;
  private readonly knownInFolderStmt;
  private readonly pendingStmt;
  private readonly storeAnalysisStmt;
  private readonly storeFailureStmt;
  private readonly deleteStmt;
  private readonly countByStatusStmt;
  private readonly byIdStmt;
  private readonly byPathStmt;
  private readonly knownAtStmt;
  private readonly knownUnderStmt;
  private readonly hashedStmt;
  private readonly relocateStmt;
  private readonly pendingBatchStmt;
  private readonly twinsStmt;
  private readonly hasDecisionsStmt;
  /** The lists' statements by their SQL: a filter shape is prepared once. */
  private readonly listStatements = new Map<string, Statement>();
  private readonly db: LibraryDatabase;

  constructor(db: LibraryDatabase) {
    this.db = db;
    this.byIdStmt = db.prepare(`SELECT id, path, status FROM photos WHERE id = ?`);
    this.byPathStmt = db.prepare(`SELECT id, path, status FROM photos WHERE path = ?`);
    this.insertPendingStmt = db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, content_hash, status) VALUES (?, ?, ?, ?, ?, 'pending')`,
    );
    this.twinsStmt = db.prepare(
      `SELECT id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs FROM photos
       WHERE content_hash = ? AND id <> ? ORDER BY id DESC`,
    );
    // Anything of the user's on a photo: a decision, a rejection or a drawn face on one of its
    // faces, or a detection they deleted.
    this.hasDecisionsStmt = db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM faces f WHERE f.photo_id = @id AND (f.source = 'manual'
                  OR EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = f.id)
                  OR EXISTS (SELECT 1 FROM face_rejections r WHERE r.face_id = f.id)))
             OR EXISTS (SELECT 1 FROM face_tombstones t WHERE t.photo_id = @id)`,
      )
      .pluck();
    this.markPendingStmt = db.prepare(
      `UPDATE photos SET size = ?, mtime_ms = ?, status = 'pending', error = NULL WHERE id = ?`,
    );
    const known = `SELECT id, path, size, mtime_ms AS mtimeMs, status, content_hash AS contentHash FROM photos`;
    this.knownInFolderStmt = db.prepare(`${known} WHERE folder_id = ?`);
    this.knownAtStmt = db.prepare(`${known} WHERE path = ?`);
    // A range over the unique path index: every photo under a folder, without a full scan.
    this.knownUnderStmt = db.prepare(`${known} WHERE path >= ? AND path < ?`);
    this.hashedStmt = db.prepare(
      `SELECT id, folder_id AS folderId, path, size, content_hash AS contentHash FROM photos
       WHERE content_hash IS NOT NULL`,
    );
    // A move keeps the row, so its faces, their people and every decision stay attached.
    this.relocateStmt = db.prepare(
      `UPDATE photos SET folder_id = ?, path = ?, size = ?, mtime_ms = ? WHERE id = ?`,
    );
    this.pendingBatchStmt = db.prepare(
      `SELECT id, path FROM photos WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?`,
    );
    this.pendingStmt = db.prepare(`SELECT id, path FROM photos WHERE status = 'pending' ORDER BY id`);
    this.storeAnalysisStmt = db.prepare(
      `UPDATE photos SET size = @size, mtime_ms = @mtimeMs, content_hash = @contentHash, width = @width,
         height = @height, taken_at = @takenAt, camera = @camera, status = 'indexed', error = @warning,
         analysed_at = @analysedAt
       WHERE id = @id`,
    );
    this.storeFailureStmt = db.prepare(
      `UPDATE photos SET size = COALESCE(@size, size), mtime_ms = COALESCE(@mtimeMs, mtime_ms), status = 'error',
         error = @error, width = NULL, height = NULL, analysed_at = @analysedAt
       WHERE id = @id`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM photos WHERE id = ?`);
    this.countByStatusStmt = db.prepare(`SELECT status, COUNT(*) AS n FROM photos GROUP BY status`);
  }

  /** A new photo to analyse; its content hash when it is already known (it will be checked then). */
  insertPending(
    folderId: number,
    filePath: string,
    size: number,
    mtimeMs: number,
    contentHash: string | null = null,
  ): number {
    return Number(this.insertPendingStmt.run(folderId, filePath, size, mtimeMs, contentHash).lastInsertRowid);
  }

  /** Other photos with the same bytes, newest first. */
  twins(id: number, contentHash: string): Twin[] {
    return this.twinsStmt.all(contentHash, id) as Twin[];
  }

  hasUserDecisions(id: number): boolean {
    return this.hasDecisionsStmt.get({ id }) === 1;
  }

  markPending(id: number, size: number, mtimeMs: number): void {
    this.markPendingStmt.run(size, mtimeMs, id);
  }

  knownInFolder(folderId: number): KnownFile[] {
    return this.knownInFolderStmt.all(folderId) as KnownFile[];
  }

  pending(): PendingPhoto[] {
    return this.pendingStmt.all() as PendingPhoto[];
  }

  /** Up to `limit` pending photos with an id above `afterId`, in id order (a storm is taken in slices). */
  pendingBatch(afterId: number, limit: number): PendingPhoto[] {
    return this.pendingBatchStmt.all(afterId, limit) as PendingPhoto[];
  }

  knownAt(filePath: string): KnownFile | undefined {
    return this.knownAtStmt.get(filePath) as KnownFile | undefined;
  }

  /** Every photo whose path is inside `dir` (which must not end with a separator). */
  knownUnder(dir: string, separator: string): KnownFile[] {
    // Paths inside dir sort between "dir/" and "dir0" ('0' follows '/'; likewise ']' follows '\\').
    const after = String.fromCharCode(separator.charCodeAt(0) + 1);
    return this.knownUnderStmt.all(dir + separator, dir + after) as KnownFile[];
  }

  /** Every photo whose content is known: the candidates a moved file is matched against. */
  hashed(): HashedPhoto[] {
    return this.hashedStmt.all() as HashedPhoto[];
  }

  relocate(id: number, folderId: number, filePath: string, size: number, mtimeMs: number): void {
    this.relocateStmt.run(folderId, filePath, size, mtimeMs, id);
  }

  storeAnalysis(id: number, photo: AnalysedPhoto, analysedAt: string): void {
    this.storeAnalysisStmt.run({ id, ...photo, analysedAt });
  }

  storeFailure(
    id: number,
    error: string,
    analysedAt: string,
    file?: { size: number; mtimeMs: number },
  ): void {
    this.storeFailureStmt.run({
      id,
      error,
      analysedAt,
      size: file?.size ?? null,
      mtimeMs: file?.mtimeMs ?? null,
    });
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  list(
    filter: {
      status?: PhotoStatus;
      personIds?: readonly number[];
      anyPerson?: boolean;
      limit?: number;
      offset?: number;
    } = {},
  ): PhotoSummary[] {
    const personIds = filter.personIds ?? [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (personIds.length > 0) {
      const people = photoIdsWithPeople(personIds, filter.anyPerson ?? false);
      where.push(`p.id IN (${people.sql})`);
      params.push(...people.params);
    }
    if (filter.status) {
      where.push('p.status = ?');
      params.push(filter.status);
    }
    let sql = `${LIST_SQL}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.path`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(Math.max(0, Math.trunc(filter.limit)), Math.max(0, Math.trunc(filter.offset ?? 0)));
    }
    let statement = this.listStatements.get(sql);
    if (!statement) {
      if (this.listStatements.size >= 32) this.listStatements.clear();
      statement = this.db.prepare(sql).raw();
      this.listStatements.set(sql, statement);
    }
    return (statement.all(...params) as PhotoRow[]).map(toSummary);
  }

  /** A photo by id or by its absolute path. */
  find(reference: number | string): { id: number; path: string; status: PhotoStatus } | undefined {
    return (typeof reference === 'number' ? this.byIdStmt.get(reference) : this.byPathStmt.get(reference)) as
      { id: number; path: string; status: PhotoStatus } | undefined;
  }

  countByStatus(): Record<PhotoStatus, number> {
    const counts: Record<PhotoStatus, number> = { pending: 0, indexed: 0, error: 0 };
    for (const row of this.countByStatusStmt.all() as { status: PhotoStatus; n: number }[])
      counts[row.status] = row.n;
    return counts;
  }
}
