import type { LibraryDatabase } from '../db/open';

export interface FolderRow {
  id: number;
  path: string;
  addedAt: string;
  lastScanAt: string | null;
}

export class FoldersRepository {
  private readonly insertStmt;
  private readonly byPathStmt;
  private readonly allStmt;
  private readonly markScannedStmt;
  private readonly moveFolderPhotosStmt;
  private readonly deleteStmt;
  private readonly countsStmt;

  constructor(db: LibraryDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO folders (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING`,
    );
    this.byPathStmt = db.prepare(
      `SELECT id, path, added_at AS addedAt, last_scan_at AS lastScanAt FROM folders WHERE path = ?`,
    );
    this.allStmt = db.prepare(
      `SELECT id, path, added_at AS addedAt, last_scan_at AS lastScanAt FROM folders ORDER BY path`,
    );
    this.markScannedStmt = db.prepare(`UPDATE folders SET last_scan_at = ? WHERE id = ?`);
    this.moveFolderPhotosStmt = db.prepare(`UPDATE photos SET folder_id = ? WHERE folder_id = ?`);
    this.deleteStmt = db.prepare(`DELETE FROM folders WHERE id = ?`);
    this.countsStmt = db.prepare(
      `SELECT folder_id AS folderId, COUNT(*) AS photos,
              SUM(status = 'pending') AS pending, SUM(status = 'error') AS errors
       FROM photos GROUP BY folder_id`,
    );
  }

  /** Adds the folder if it is new; either way returns its row. */
  ensure(folderPath: string, now: string): FolderRow {
    this.insertStmt.run(folderPath, now);
    return this.byPathStmt.get(folderPath) as FolderRow;
  }

  byPath(folderPath: string): FolderRow | undefined {
    return this.byPathStmt.get(folderPath) as FolderRow | undefined;
  }

  all(): FolderRow[] {
    return this.allStmt.all() as FolderRow[];
  }

  markScanned(id: number, now: string): void {
    this.markScannedStmt.run(now, id);
  }

  /** Moves a nested folder's photos to the folder that contains it, then forgets the nested one. */
  absorb(childId: number, parentId: number): void {
    this.moveFolderPhotosStmt.run(parentId, childId);
    this.deleteStmt.run(childId);
  }

  /** Photo counts per folder id (folders without photos are absent). */
  counts(): Map<number, { photos: number; pending: number; errors: number }> {
    const rows = this.countsStmt.all() as {
      folderId: number;
      photos: number;
      pending: number;
      errors: number;
    }[];
    return new Map(rows.map(({ folderId, ...counts }) => [folderId, counts]));
  }

  /** Forgets the folder; its photos, their faces and the decisions on them go with it (cascade). */
  remove(id: number): void {
    this.deleteStmt.run(id);
  }
}
