import type { Box, FaceSummary, Suggestion } from '../../common/api';
import type { LibraryDatabase } from '../db/open';
import { intersectionOverUnion } from '../vision/nms';
import { blobToFloats, floatsToBlob } from './blobs';

export interface DetectedFace {
  box: Box;
  score: number;
  /** 136 numbers: x0, y0, x1, y1, … in upright photo pixels. */
  landmarks: Float32Array;
  /** 128 numbers. */
  embedding: Float32Array;
}

/** A re-detected face is the same face as an old one when their boxes overlap this much (as in Immich). */
const SAME_FACE_IOU = 0.5;

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

export interface FaceRecord {
  id: number;
  photoId: number;
  box: Box;
  score: number;
  personId: number | null;
  assignedBy: 'auto' | 'user' | null;
  source: 'detected' | 'manual';
  takenAt: string | null;
  decided: boolean;
}

interface OldFace {
  id: number;
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  personId: number | null;
  assignedBy: 'auto' | 'user' | null;
  grouped: number;
  source: 'detected' | 'manual';
}

export class FacesRepository {
  private readonly insertStmt;
  private readonly oldFacesStmt;
  private readonly deleteDetectedStmt;
  private readonly tombstonesStmt;
  private readonly carryStmt;
  private readonly carryDecisionStmt;
  private readonly carryRejectionsStmt;
  private readonly carryCoverStmt;
  private readonly decisionOfStmt;
  private readonly rejectionsOfStmt;
  private readonly coverOfStmt;
  private readonly releaseStmt;
  private readonly recordStmt;
  private readonly embeddingStmt;
  private readonly allEmbeddingsStmt;
  private readonly setAutoStmt;
  private readonly setSuggestionStmt;
  private readonly markGroupedStmt;
  private readonly ungroupedStmt;
  private readonly decideStmt;
  private readonly applyDecisionStmt;
  private readonly undecideStmt;
  private readonly rejectStmt;
  private readonly isRejectedStmt;
  private readonly voicesStmt;
  private readonly allRejectionsStmt;
  private readonly countStmt;
  private readonly hasDecisionsStmt;
  private readonly clearAutoStmt;
  private readonly clearSuggestionsStmt;
  private readonly allIdsStmt;
  private readonly decisionsStmt;
  private readonly pinPersonStmt;
  private readonly pinPersonFacesStmt;
  private readonly moveRejectionsStmt;
  private readonly dropDuplicateRejectionsStmt;
  private readonly tombstoneStmt;
  private readonly deleteStmt;
  private readonly listSql: string;
  private readonly ofPhotoStmt;
  private readonly suggestionsStmt;
  private readonly suggestionsForPersonStmt;
  private readonly db: LibraryDatabase;

  constructor(db: LibraryDatabase) {
    this.db = db;
    this.insertStmt = db.prepare(
      `INSERT INTO faces (photo_id, x, y, width, height, score, landmarks, embedding, created_at, source,
                          person_id, assigned_by, grouped)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.oldFacesStmt = db.prepare(
      `SELECT id, x, y, width, height, score, person_id AS personId, assigned_by AS assignedBy, grouped, source
       FROM faces WHERE photo_id = ?`,
    );
    this.deleteDetectedStmt = db.prepare(`DELETE FROM faces WHERE photo_id = ? AND source = 'detected'`);
    this.tombstonesStmt = db.prepare(`SELECT x, y, width, height FROM face_tombstones WHERE photo_id = ?`);
    this.carryStmt = db.prepare(`UPDATE faces SET person_id = ?, assigned_by = ?, grouped = ? WHERE id = ?`);
    this.carryDecisionStmt = db.prepare(
      `INSERT INTO face_decisions (face_id, person_id, decided_at) VALUES (?, ?, ?)`,
    );
    this.carryRejectionsStmt = db.prepare(
      `INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at) VALUES (?, ?, ?)`,
    );
    this.carryCoverStmt = db.prepare(`UPDATE people SET cover_face_id = ? WHERE id = ?`);
    this.decisionOfStmt = db.prepare(`SELECT person_id AS personId FROM face_decisions WHERE face_id = ?`);
    this.rejectionsOfStmt = db.prepare(`SELECT person_id FROM face_rejections WHERE face_id = ?`).pluck();
    this.coverOfStmt = db.prepare(`SELECT id FROM people WHERE cover_face_id = ?`).pluck();
    this.releaseStmt = db.prepare(
      `UPDATE faces SET person_id = NULL, assigned_by = NULL, grouped = 0 WHERE id = ?`,
    );
    this.recordStmt = db.prepare(
      `SELECT f.id, f.photo_id AS photoId, f.x, f.y, f.width, f.height, f.score, f.person_id AS personId,
              f.assigned_by AS assignedBy, f.source, p.taken_at AS takenAt,
              EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = f.id) AS decided
       FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ?`,
    );
    this.embeddingStmt = db.prepare(`SELECT embedding FROM faces WHERE id = ?`).pluck();
    this.allEmbeddingsStmt = db.prepare(`SELECT id, embedding FROM faces`);
    this.setAutoStmt = db.prepare(
      `UPDATE faces SET person_id = ?, assigned_by = CASE WHEN ? IS NULL THEN NULL ELSE 'auto' END,
         suggested_person_id = NULL, suggested_distance = NULL, grouped = 1
       WHERE id = ? AND NOT EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = faces.id)`,
    );
    this.setSuggestionStmt = db.prepare(
      `UPDATE faces SET suggested_person_id = ?, suggested_distance = ? WHERE id = ?`,
    );
    this.markGroupedStmt = db.prepare(
      `UPDATE faces SET suggested_person_id = ?, suggested_distance = ?, grouped = 1 WHERE id = ?`,
    );
    this.ungroupedStmt = db.prepare(`SELECT id FROM faces WHERE grouped = 0 ORDER BY id`).pluck();
    this.decideStmt = db.prepare(
      `INSERT INTO face_decisions (face_id, person_id, decided_at) VALUES (?, ?, ?)
       ON CONFLICT(face_id) DO UPDATE SET person_id = excluded.person_id, decided_at = excluded.decided_at`,
    );
    this.applyDecisionStmt = db.prepare(
      `UPDATE faces SET person_id = ?, assigned_by = CASE WHEN ? IS NULL THEN NULL ELSE 'user' END,
         suggested_person_id = NULL, suggested_distance = NULL, grouped = 1
       WHERE id = ?`,
    );
    this.undecideStmt = db.prepare(`DELETE FROM face_decisions WHERE face_id = ?`);
    this.rejectStmt = db.prepare(
      `INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at) VALUES (?, ?, ?)`,
    );
    this.isRejectedStmt = db
      .prepare(`SELECT EXISTS (SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?)`)
      .pluck();
    this.hasDecisionsStmt = db
      .prepare(`SELECT EXISTS (SELECT 1 FROM face_decisions WHERE person_id = ?)`)
      .pluck();
    this.countStmt = db.prepare(`SELECT COUNT(*) FROM faces`).pluck();
    this.allRejectionsStmt = db.prepare(`SELECT face_id, person_id FROM face_rejections`).raw();
    this.voicesStmt = db
      .prepare(
        `SELECT CASE WHEN (SELECT name FROM people WHERE id = @person) IS NULL
           THEN (SELECT COUNT(*) FROM faces WHERE person_id = @person)
           ELSE (SELECT COUNT(*) FROM face_decisions WHERE person_id = @person) END`,
      )
      .pluck();
    // Only rows that hold something to clear: rewriting a 1 KB row and its indexes is not free.
    this.clearAutoStmt = db.prepare(
      `UPDATE faces SET person_id = NULL, assigned_by = NULL, suggested_person_id = NULL, suggested_distance = NULL
       WHERE (person_id IS NOT NULL OR assigned_by IS NOT NULL OR suggested_person_id IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = faces.id)`,
    );
    this.clearSuggestionsStmt = db.prepare(
      `UPDATE faces SET suggested_person_id = NULL, suggested_distance = NULL WHERE suggested_person_id IS NOT NULL`,
    );
    this.allIdsStmt = db.prepare(`SELECT id FROM faces ORDER BY id`).pluck();
    this.decisionsStmt = db.prepare(`SELECT face_id AS faceId, person_id AS personId FROM face_decisions`);
    this.pinPersonStmt = db.prepare(
      `INSERT OR IGNORE INTO face_decisions (face_id, person_id, decided_at)
       SELECT id, person_id, ? FROM faces WHERE person_id = ?`,
    );
    this.pinPersonFacesStmt = db.prepare(`UPDATE faces SET assigned_by = 'user' WHERE person_id = ?`);
    this.moveRejectionsStmt = db.prepare(
      `UPDATE OR IGNORE face_rejections SET person_id = ? WHERE person_id = ?`,
    );
    this.dropDuplicateRejectionsStmt = db.prepare(`DELETE FROM face_rejections WHERE person_id = ?`);
    this.tombstoneStmt = db.prepare(
      `INSERT INTO face_tombstones (photo_id, x, y, width, height, created_at)
       SELECT photo_id, x, y, width, height, ? FROM faces WHERE id = ?`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM faces WHERE id = ?`);
    this.ofPhotoStmt = db.prepare(`SELECT id, x, y, width, height FROM faces WHERE photo_id = ? ORDER BY id`);
    this.listSql = `
      SELECT f.id, p.path AS photo, f.x, f.y, f.width, f.height, f.score,
             f.person_id AS personId, pe.name AS personName`;
    const suggestionSql = `
      SELECT f.id AS faceId, p.path AS photo, f.x, f.y, f.width, f.height, f.suggested_person_id AS personId,
             pe.name AS personName, f.suggested_distance AS distance
      FROM faces f JOIN photos p ON p.id = f.photo_id JOIN people pe ON pe.id = f.suggested_person_id
      WHERE f.suggested_person_id IS NOT NULL AND f.person_id IS NULL`;
    this.suggestionsStmt = db.prepare(`${suggestionSql} ORDER BY f.suggested_distance, f.id`);
    this.suggestionsForPersonStmt = db.prepare(
      `${suggestionSql} AND f.suggested_person_id = ? ORDER BY f.suggested_distance, f.id`,
    );
  }

  /**
   * Replaces the detected faces of a photo that was analysed again. Faces drawn by the user stay;
   * a new detection that overlaps an old face inherits what was known and decided about it
   * (person, decision, rejections, cover), and one that overlaps a face the user deleted is dropped.
   */
  replaceForPhoto(photoId: number, faces: readonly DetectedFace[], now: string): number[] {
    const old = this.oldFacesStmt.all(photoId) as OldFace[];
    const manual = old.filter((face) => face.source === 'manual');
    const previous = old.filter((face) => face.source === 'detected');
    const tombstones = this.tombstonesStmt.all(photoId) as Box[];
    const overlaps = (box: Box, other: Box) => intersectionOverUnion(box, other) > SAME_FACE_IOU;

    const inherited = previous.map((face) => ({
      face,
      decision: this.decisionOfStmt.get(face.id) as { personId: number | null } | undefined,
      rejections: this.rejectionsOfStmt.all(face.id) as number[],
      coverOf: this.coverOfStmt.all(face.id) as number[],
    }));
    this.deleteDetectedStmt.run(photoId);

    const ids: number[] = [];
    const claimed = new Set<number>();
    for (const face of faces) {
      if (tombstones.some((box) => overlaps(face.box, box))) continue;
      if (manual.some((box) => overlaps(face.box, box))) continue;
      const match = inherited
        .filter((entry) => !claimed.has(entry.face.id) && overlaps(face.box, entry.face))
        .sort((a, b) => intersectionOverUnion(face.box, b.face) - intersectionOverUnion(face.box, a.face))[0];
      const id = this.insert(photoId, face, now, 'detected');
      ids.push(id);
      if (!match) continue;
      claimed.add(match.face.id);
      this.carryStmt.run(match.face.personId, match.face.assignedBy, match.face.grouped, id);
      if (match.decision) this.carryDecisionStmt.run(id, match.decision.personId, now);
      for (const personId of match.rejections) this.carryRejectionsStmt.run(id, personId, now);
      for (const personId of match.coverOf) this.carryCoverStmt.run(id, personId);
    }
    return ids;
  }

  /** The faces of one photo with their boxes (upright pixels). */
  ofPhoto(photoId: number): { id: number; box: Box }[] {
    return (this.ofPhotoStmt.all(photoId) as ({ id: number } & Box)[]).map(({ id, ...box }) => ({ id, box }));
  }

  /** The boxes of the faces the user deleted from a photo as "not a face". */
  tombstonesOf(photoId: number): Box[] {
    return this.tombstonesStmt.all(photoId) as Box[];
  }

  /** A face the user drew: analysed like any other, kept through re-analysis of its photo. */
  insertManual(photoId: number, face: DetectedFace, now: string): number {
    return this.insert(photoId, face, now, 'manual');
  }

  /** A new face row, not yet grouped and with no person. */
  private insert(photoId: number, face: DetectedFace, now: string, source: 'detected' | 'manual'): number {
    const { x, y, width, height } = face.box;
    const embedding = floatsToBlob(face.embedding);
    const landmarks = floatsToBlob(face.landmarks);
    return Number(
      this.insertStmt.run(
        photoId,
        x,
        y,
        width,
        height,
        face.score,
        landmarks,
        embedding,
        now,
        source,
        null,
        null,
        0,
      ).lastInsertRowid,
    );
  }

  get(id: number): FaceRecord | undefined {
    const row = this.recordStmt.get(id) as
      (Omit<FaceRecord, 'box' | 'decided'> & Box & { decided: number }) | undefined;
    if (!row) return undefined;
    const { x, y, width, height, decided, ...rest } = row;
    return { ...rest, box: { x, y, width, height }, decided: decided === 1 };
  }

  embedding(id: number): Float32Array {
    return blobToFloats(this.embeddingStmt.get(id) as Buffer);
  }

  /** The face's embedding, or undefined when the face no longer exists. */
  embeddingIfAny(id: number): Float32Array | undefined {
    const blob = this.embeddingStmt.get(id) as Buffer | undefined;
    return blob && blobToFloats(blob);
  }

  /** Whether the user decided anything about this person's faces. */
  hasDecisions(personId: number): boolean {
    return this.hasDecisionsStmt.get(personId) === 1;
  }

  count(): number {
    return this.countStmt.get() as number;
  }

  /** Every face's embedding, for building the neighbour index. */
  *allEmbeddings(): Generator<{ id: number; embedding: Float32Array }> {
    for (const row of this.allEmbeddingsStmt.iterate() as Iterable<{ id: number; embedding: Buffer }>) {
      yield { id: row.id, embedding: blobToFloats(row.embedding) };
    }
  }

  allIds(): number[] {
    return this.allIdsStmt.all() as number[];
  }

  ungroupedIds(): number[] {
    return this.ungroupedStmt.all() as number[];
  }

  /** Grouping's verdict, which also marks the face looked at; a no-op on faces the user decided. */
  setAutoPerson(faceId: number, personId: number | null): void {
    this.setAutoStmt.run(personId, personId, faceId);
  }

  setSuggestion(faceId: number, personId: number | null, distance: number | null): void {
    this.setSuggestionStmt.run(personId, distance, faceId);
  }

  /** Grouping has looked at the face: its suggestion (or none) is stored, in one statement. */
  markGrouped(faceId: number, suggestion: { personId: number; distance: number } | undefined): void {
    this.markGroupedStmt.run(suggestion?.personId ?? null, suggestion?.distance ?? null, faceId);
  }

  /** Records the user's decision (a person, or "nobody": null) and applies it. */
  decide(faceId: number, personId: number | null, now: string): void {
    this.decideStmt.run(faceId, personId, now);
    this.applyDecisionStmt.run(personId, personId, faceId);
  }

  /** Forgets the user's decision; the face is free for grouping again. */
  undecide(faceId: number): void {
    this.undecideStmt.run(faceId);
    this.releaseStmt.run(faceId);
  }

  reject(faceId: number, personId: number, now: string): void {
    this.rejectStmt.run(faceId, personId, now);
  }

  /** A named person's confirmed faces, or an unnamed person's members: the faces grouping trusts. */
  voicesOf(personId: number): number {
    return this.voicesStmt.get({ person: personId }) as number;
  }

  /** Every "not this person", face → people (a small table: one row per user rejection). */
  allRejections(): Map<number, Set<number>> {
    const rejections = new Map<number, Set<number>>();
    for (const [faceId, personId] of this.allRejectionsStmt.all() as [number, number][]) {
      rejections.set(faceId, (rejections.get(faceId) ?? new Set()).add(personId));
    }
    return rejections;
  }

  isRejected(faceId: number, personId: number): boolean {
    return this.isRejectedStmt.get(faceId, personId) === 1;
  }

  /** Before regrouping from scratch: every machine-made assignment and suggestion goes. */
  clearAutomatic(): void {
    this.clearAutoStmt.run();
    this.clearSuggestionsStmt.run();
  }

  /** The faces the user decided about (a person, or nobody). */
  decidedIds(): Set<number> {
    return new Set((this.decisionsStmt.all() as { faceId: number }[]).map((row) => row.faceId));
  }

  /** Re-applies every decision to faces.person_id (the decisions table is the truth). */
  reapplyDecisions(): void {
    for (const { faceId, personId } of this.decisionsStmt.all() as {
      faceId: number;
      personId: number | null;
    }[]) {
      this.applyDecisionStmt.run(personId, personId, faceId);
    }
  }

  /** Confirms every face a person has now: the user vouched for the group as a whole. */
  pinPerson(personId: number, now: string): number {
    const pinned = this.pinPersonStmt.run(now, personId).changes;
    this.pinPersonFacesStmt.run(personId);
    return pinned;
  }

  /** Merge: "not A" becomes "not B" when A is B. */
  moveRejections(fromPersonId: number, toPersonId: number): void {
    this.moveRejectionsStmt.run(toPersonId, fromPersonId);
    this.dropDuplicateRejectionsStmt.run(fromPersonId);
  }

  /** "Not a face": remembered by its box so the detector's copy of it is dropped on re-analysis. */
  deleteAsNotAFace(faceId: number, now: string): void {
    this.tombstoneStmt.run(now, faceId);
    this.deleteStmt.run(faceId);
  }

  list(options: { withEmbeddings?: boolean; personId?: number; unassigned?: boolean } = {}): FaceSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.personId !== undefined) {
      where.push('f.person_id = ?');
      params.push(options.personId);
    }
    if (options.unassigned) where.push('f.person_id IS NULL');
    const sql = `${this.listSql}${options.withEmbeddings ? ', f.embedding' : ''}
      FROM faces f JOIN photos p ON p.id = f.photo_id LEFT JOIN people pe ON pe.id = f.person_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY p.path, f.x, f.id`;
    const rows = this.db.prepare(sql).all(...params) as FaceRow[];
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

  suggestions(personId?: number): Suggestion[] {
    const rows = (
      personId === undefined ? this.suggestionsStmt.all() : this.suggestionsForPersonStmt.all(personId)
    ) as (Omit<Suggestion, 'box'> & Box)[];
    return rows.map(({ x, y, width, height, ...rest }) => ({ ...rest, box: { x, y, width, height } }));
  }
}
