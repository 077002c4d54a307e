import type { LibraryDatabase } from '../db/open';
import { writeTransaction } from '../db/write-transaction';
import { GROUPING } from '../people/thresholds';
import type { VectorIndex } from '../people/vector-index';
import type { FacesRepository } from '../repositories/faces';

/** Faces searched around in one batch (the index searches a batch on all cores). */
const BATCH = 1024;

/**
 * Offers a named person the faces that belong to nobody and look like them: each free face within
 * the suggestion distance of one of `aroundFaceIds` (faces of the person) becomes a suggestion for
 * review, unless the user said it is not them or decided it is nobody.
 *
 * Grouping suggests only the faces it groups, that is, new faces after a scan. Without this, the
 * free faces already in the library when a person is named (or gains faces by a move or a merge)
 * were never offered: a grandmother named today was not shown the blurry photos of her that
 * grouping had left with nobody. A face already suggested for someone farther away is offered to
 * this person instead. Returns how many faces were offered.
 */
export function suggestFreeFacesNear(
  deps: { db: LibraryDatabase; faces: FacesRepository },
  index: VectorIndex,
  personId: number,
  aroundFaceIds: readonly number[],
): number {
  const { db, faces } = deps;
  const nearest = new Map<number, number>();
  const vectors = new Float32Array(BATCH * 128);
  for (let start = 0; start < aroundFaceIds.length; start += BATCH) {
    const batch = aroundFaceIds.slice(start, start + BATCH);
    batch.forEach((faceId, i) => vectors.set(faces.embedding(faceId), i * 128));
    const found = index.searchMany(
      vectors.subarray(0, batch.length * 128),
      batch.length,
      GROUPING.neighbours + 1,
      GROUPING.suggestDistance,
    );
    for (const neighbours of found)
      for (const { id, distance } of neighbours)
        if (distance < (nearest.get(id) ?? Infinity)) nearest.set(id, distance);
  }
  if (nearest.size === 0) return 0;

  const candidate = db.prepare(
    `SELECT suggested_person_id AS suggestedId, suggested_distance AS suggestedDistance FROM faces f
     WHERE id = ? AND person_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM face_decisions d WHERE d.face_id = f.id)
       AND NOT EXISTS (SELECT 1 FROM face_rejections r WHERE r.face_id = f.id AND r.person_id = ?)`,
  );
  return writeTransaction(db, () => {
    let offered = 0;
    for (const [faceId, distance] of nearest) {
      const row = candidate.get(faceId, personId) as
        { suggestedId: number | null; suggestedDistance: number | null } | undefined;
      if (!row || row.suggestedId === personId) continue;
      if (row.suggestedId !== null && (row.suggestedDistance ?? Infinity) <= distance) continue;
      faces.setSuggestion(faceId, personId, distance);
      offered++;
    }
    return offered;
  });
}
