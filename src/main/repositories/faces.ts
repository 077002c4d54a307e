import type { FaceSummary } from '../../common/api';
import type { LibraryDatabase } from '../db/open';
import { blobToFloats, floatsToBlob } from './blobs';

export interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** 136 numbers: x0, y0, x1, y1, … in upright photo pixels. */
  landmarks: Float32Array;
  /** 128 numbers. */
  embedding: Float32Array;
}

interface FaceRow {
  id: number;
  photo: string;
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  personId: number | null;
  personName: string | null;
  embedding?: Buffer;
}

export class FacesRepository {
  private readonly insertStmt;
  private readonly deleteForPhotoStmt;
  private readonly listStmt;
  private readonly listWithEmbeddingsStmt;

  constructor(db: LibraryDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO faces (photo_id, x, y, width, height, score, landmarks, embedding, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteForPhotoStmt = db.prepare(`DELETE FROM faces WHERE photo_id = ?`);
    const select = `
      SELECT f.id, p.path AS photo, f.x, f.y, f.width, f.height, f.score,
             f.person_id AS personId, pe.name AS personName`;
    const from = `FROM faces f JOIN photos p ON p.id = f.photo_id LEFT JOIN people pe ON pe.id = f.person_id
      ORDER BY p.path, f.x, f.id`;
    this.listStmt = db.prepare(`${select} ${from}`);
    this.listWithEmbeddingsStmt = db.prepare(`${select}, f.embedding ${from}`);
  }

  /** Replaces every face of a photo (the photo was analysed again). */
  replaceForPhoto(photoId: number, faces: readonly DetectedFace[], now: string): void {
    this.deleteForPhotoStmt.run(photoId);
    for (const face of faces) {
      const { x, y, width, height } = face.box;
      this.insertStmt.run(
        photoId,
        x,
        y,
        width,
        height,
        face.score,
        floatsToBlob(face.landmarks),
        floatsToBlob(face.embedding),
        now,
      );
    }
  }

  list(options: { withEmbeddings?: boolean } = {}): FaceSummary[] {
    const rows = (options.withEmbeddings ? this.listWithEmbeddingsStmt : this.listStmt).all() as FaceRow[];
    return rows.map((row) => {
      const face: FaceSummary = {
        id: row.id,
        photo: row.photo,
        box: { x: row.x, y: row.y, width: row.width, height: row.height },
        score: row.score,
        personId: row.personId,
        personName: row.personName,
      };
      if (row.embedding) face.embedding = Array.from(blobToFloats(row.embedding));
      return face;
    });
  }
}
