import type { PersonSummary } from '../../common/api';
import type { LibraryDatabase } from '../db/open';

export interface PersonRow {
  id: number;
  name: string | null;
  hidden: boolean;
  birthDate: string | null;
  coverFaceId: number | null;
}

interface RawPerson {
  id: number;
  name: string | null;
  hidden: number;
  birthDate: string | null;
  coverFaceId: number | null;
}

const toPerson = (row: RawPerson): PersonRow => ({ ...row, hidden: row.hidden === 1 });

export class PeopleRepository {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly byNameStmt;
  private readonly setNameStmt;
  private readonly setHiddenStmt;
  private readonly setCoverStmt;
  private readonly setBirthDateStmt;
  private readonly deleteStmt;
  private readonly deleteAbandonedStmt;
  private readonly listStmt;
  private readonly summaryStmt;

  constructor(db: LibraryDatabase) {
    this.insertStmt = db.prepare(`INSERT INTO people (name, created_at) VALUES (?, ?)`);
    const select = `SELECT id, name, hidden, birth_date AS birthDate, cover_face_id AS coverFaceId FROM people`;
    this.byIdStmt = db.prepare(`${select} WHERE id = ?`);
    this.byNameStmt = db.prepare(`${select} WHERE name = ?`);
    this.setNameStmt = db.prepare(`UPDATE people SET name = ? WHERE id = ?`);
    this.setHiddenStmt = db.prepare(`UPDATE people SET hidden = ? WHERE id = ?`);
    this.setCoverStmt = db.prepare(`UPDATE people SET cover_face_id = ? WHERE id = ?`);
    this.setBirthDateStmt = db.prepare(`UPDATE people SET birth_date = ? WHERE id = ?`);
    this.deleteStmt = db.prepare(`DELETE FROM people WHERE id = ?`);
    // People made by grouping alone that have lost every face: nothing of the user's is in them.
    this.deleteAbandonedStmt = db.prepare(
      `DELETE FROM people WHERE name IS NULL AND hidden = 0 AND birth_date IS NULL
         AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM face_decisions d WHERE d.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM face_rejections r WHERE r.person_id = people.id)`,
    );
    // The cover is the user's choice, else the person's most confident face among the largest
    // (an index seek on faces_person_cover). The counts are kept by triggers (migration 0004).
    const summary = `
      SELECT p.id, p.name, p.hidden, p.birth_date AS birthDate,
             p.face_count AS faces, p.photo_count AS photos,
             COALESCE(p.cover_face_id, (
               SELECT f.id FROM faces f WHERE f.person_id = p.id
               ORDER BY (f.score >= 0.9) DESC, f.width * f.height DESC, f.id LIMIT 1
             )) AS coverFaceId
      FROM people p`;
    this.listStmt = db.prepare(`${summary}
      WHERE (? = 1 OR p.hidden = 0)
      ORDER BY p.name IS NULL, p.name COLLATE NOCASE, p.face_count DESC, p.id
    `);
    this.summaryStmt = db.prepare(`${summary} WHERE p.id = ?`);
  }

  insert(name: string | null, now: string): number {
    return Number(this.insertStmt.run(name, now).lastInsertRowid);
  }

  get(id: number): PersonRow | undefined {
    const row = this.byIdStmt.get(id) as RawPerson | undefined;
    return row && toPerson(row);
  }

  findByName(name: string): PersonRow | undefined {
    const row = this.byNameStmt.get(name) as RawPerson | undefined;
    return row && toPerson(row);
  }

  setName(id: number, name: string | null): void {
    this.setNameStmt.run(name, id);
  }

  setHidden(id: number, hidden: boolean): void {
    this.setHiddenStmt.run(hidden ? 1 : 0, id);
  }

  setCover(id: number, faceId: number | null): void {
    this.setCoverStmt.run(faceId, id);
  }

  setBirthDate(id: number, birthDate: string | null): void {
    this.setBirthDateStmt.run(birthDate, id);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  deleteAbandoned(): number {
    return this.deleteAbandonedStmt.run().changes;
  }

  list(includeHidden: boolean): PersonSummary[] {
    return (this.listStmt.all(includeHidden ? 1 : 0) as RawSummary[]).map(toSummary);
  }

  /** One person's row of the list, without computing anyone else's. */
  summary(id: number): PersonSummary | undefined {
    const row = this.summaryStmt.get(id) as RawSummary | undefined;
    return row && toSummary(row);
  }
}

type RawSummary = RawPerson & { faces: number; photos: number };

function toSummary(row: RawSummary): PersonSummary {
  return {
    id: row.id,
    name: row.name,
    faces: row.faces,
    photos: row.photos,
    coverFaceId: row.coverFaceId,
    hidden: row.hidden === 1,
    birthDate: row.birthDate,
  };
}
