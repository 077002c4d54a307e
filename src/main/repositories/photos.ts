import type { PhotoStatus, PhotoSummary } from '../../common/api';
import type { LibraryDatabase } from '../db/open';

/** What change detection needs to know about a photo already in the library. */
export interface KnownFile {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  status: PhotoStatus;
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
  private readonly listStmt;
  private readonly countByStatusStmt;
  private readonly byIdStmt;
  private readonly byPathStmt;
  private readonly listSql: string;
  private readonly db: LibraryDatabase;

  constructor(db: LibraryDatabase) {
    this.db = db;
    this.byIdStmt = db.prepare(`SELECT id, path, status FROM photos WHERE id = ?`);
    this.byPathStmt = db.prepare(`SELECT id, path, status FROM photos WHERE path = ?`);
    this.insertPendingStmt = db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, status) VALUES (?, ?, ?, ?, 'pending')`,
    );
    this.markPendingStmt = db.prepare(
      `UPDATE photos SET size = ?, mtime_ms = ?, status = 'pending', error = NULL WHERE id = ?`,
    );
    this.knownInFolderStmt = db.prepare(
      `SELECT id, path, size, mtime_ms AS mtimeMs, status FROM photos WHERE folder_id = ?`,
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
    const listSql = (this.listSql = `
      SELECT p.id, p.path, p.width, p.height, p.taken_at AS takenAt, p.status, p.error,
             (SELECT COUNT(*) FROM faces f WHERE f.photo_id = p.id) AS faces
      FROM photos p`);
    this.listStmt = db.prepare(`${listSql} ORDER BY p.path`);
    this.countByStatusStmt = db.prepare(`SELECT status, COUNT(*) AS n FROM photos GROUP BY status`);
  }

  insertPending(folderId: number, filePath: string, size: number, mtimeMs: number): number {
    return Number(this.insertPendingStmt.run(folderId, filePath, size, mtimeMs).lastInsertRowid);
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
      const marks = personIds.map(() => '?').join(', ');
      // With all of them: the intersection of each person's photos, each read in photo order from
      // the covering index faces_person_photo, so SQLite merges them without a sort.
      const photosOf = `SELECT photo_id FROM faces WHERE person_id = ?`;
      where.push(
        filter.anyPerson
          ? `p.id IN (SELECT photo_id FROM faces WHERE person_id IN (${marks}))`
          : `p.id IN (${personIds.map(() => photosOf).join(' INTERSECT ')})`,
      );
      params.push(...personIds);
    }
    if (filter.status) {
      where.push('p.status = ?');
      params.push(filter.status);
    }
    if (where.length === 0 && filter.limit === undefined) return this.listStmt.all() as PhotoSummary[];
    let sql = `${this.listSql}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.path`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(Math.max(0, Math.trunc(filter.limit)), Math.max(0, Math.trunc(filter.offset ?? 0)));
    }
    return this.db.prepare(sql).all(...params) as PhotoSummary[];
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
