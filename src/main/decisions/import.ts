import type { LibraryDatabase } from '../db/open';
import type { Clock } from '../clock';
import type { DetectedFace, FacesRepository } from '../repositories/faces';
import type { PeopleRepository } from '../repositories/people';
import { intersectionOverUnion } from '../vision/nms';
import type { AnalysisPool } from '../vision/pool';
import type { DecisionsFile, FaceRef } from './format';
import { writeTransaction } from '../db/write-transaction';

/** A face of the file is a face of this library when their boxes in the same photo overlap this much. */
export const MATCH_IOU = 0.5;

export interface ImportDependencies {
  db: LibraryDatabase;
  faces: FacesRepository;
  people: PeopleRepository;
  clock: Clock;
  /** For boxes the user drew that this library lacks (they are embedded like `kindred add-face`). */
  createPool: (workers?: number) => AnalysisPool;
}

export interface ImportReport {
  peopleCreated: number;
  /** Decisions (person, "nobody", rejection, deletion, cover, hidden, birth date) written now. */
  applied: number;
  /** Decisions the library already had: importing the same file twice changes nothing. */
  unchanged: number;
  manualFacesAdded: number;
  /** What could not be matched, one line each (photo not in this library, face not found). */
  unmatched: string[];
}

interface LibraryFace {
  id: number;
  photoId: number;
  x: number;
  y: number;
  width: number;
  height: number;
  personId: number | null;
}

const describeRef = (ref: FaceRef) =>
  `${ref.path ?? ref.photo.slice(0, 12)} [${[ref.box.x, ref.box.y, ref.box.width, ref.box.height].map(Math.round).join(',')}]`;

/**
 * Applies a decisions file to this library: faces are found by photo content and box overlap, people
 * by name (unnamed people of the file become new people, or the one their faces were already given).
 * Everything is written in one transaction; a second import of the same file changes nothing.
 */
export async function importDecisions(deps: ImportDependencies, file: DecisionsFile): Promise<ImportReport> {
  const { db, faces, people } = deps;
  const report: ImportReport = {
    peopleCreated: 0,
    applied: 0,
    unchanged: 0,
    manualFacesAdded: 0,
    unmatched: [],
  };
  const photosOf = db.prepare(`SELECT id, path FROM photos WHERE content_hash = ? AND status = 'indexed'`);
  const facesOf = db.prepare(
    `SELECT id, photo_id AS photoId, x, y, width, height, person_id AS personId FROM faces WHERE photo_id = ?`,
  );
  const decisionOf = db.prepare(`SELECT person_id FROM face_decisions WHERE face_id = ?`);
  const rejected = db.prepare(`SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?`).pluck();
  const rejectionsOf = db.prepare(`SELECT person_id FROM face_rejections WHERE face_id = ?`).pluck();
  const unreject = db.prepare(`DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?`);
  const tombstonesOf = db.prepare(`SELECT x, y, width, height FROM face_tombstones WHERE photo_id = ?`);
  const insertTombstone = db.prepare(
    `INSERT INTO face_tombstones (photo_id, x, y, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );

  /** This library's faces for a face of the file: the best overlap in each photo with its bytes. */
  const match = (ref: FaceRef): { photos: { id: number; path: string }[]; faces: LibraryFace[] } => {
    const photos = photosOf.all(ref.photo) as { id: number; path: string }[];
    const found: LibraryFace[] = [];
    for (const photo of photos) {
      const best = (facesOf.all(photo.id) as LibraryFace[])
        .map((face) => ({ face, overlap: intersectionOverUnion(ref.box, face) }))
        .filter((candidate) => candidate.overlap >= MATCH_IOU)
        .sort((a, b) => b.overlap - a.overlap)[0];
      if (best) found.push(best.face);
    }
    return { photos, faces: found };
  };

  // Boxes the user drew, missing here: embedded first (inference is async; the writes below are one transaction).
  const drawn = new Map<number, { photoId: number; face: DetectedFace }[]>();
  const missingManual = file.faces
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.source === 'manual')
    .map(({ entry, index }) => ({ index, entry, found: match(entry) }))
    .filter(({ found }) => found.photos.length > 0 && found.faces.length < found.photos.length);
  if (missingManual.length > 0) {
    const pool = deps.createPool(1);
    try {
      for (const { index, entry, found } of missingManual) {
        for (const photo of found.photos) {
          if (found.faces.some((face) => face.photoId === photo.id)) continue;
          const result = await pool.embedBox({ path: photo.path, box: entry.box });
          if (!result.ok) {
            report.unmatched.push(
              `drawn face ${describeRef(entry)}: cannot embed it again (${result.error})`,
            );
            continue;
          }
          drawn.set(index, [...(drawn.get(index) ?? []), { photoId: photo.id, face: result.face }]);
        }
      }
    } finally {
      await pool.close();
    }
  }

  writeTransaction(db, () => {
    const now = deps.clock.now().toISOString();
    const byKey = new Map(file.people.map((person) => [person.key, person]));
    const resolved = new Map<string, number>();
    /** The library's person for a key of the file; `hint` faces may already be theirs. */
    const personFor = (
      key: string,
      hint: readonly LibraryFace[] = [],
      as: 'decision' | 'rejection' = 'decision',
    ): number | undefined => {
      const known = resolved.get(key);
      if (known !== undefined) return known;
      const person = byKey.get(key);
      if (!person) {
        report.unmatched.push(`person "${key}" is used but not listed in the file's people`);
        return undefined;
      }
      let id = person.name === null ? undefined : people.findByName(person.name)?.id;
      if (id === undefined && person.name === null) {
        // An unnamed person imported before: the one its faces were given (or refused) then.
        for (const face of hint) {
          const candidates =
            as === 'decision'
              ? [(decisionOf.get(face.id) as { person_id: number | null } | undefined)?.person_id ?? null]
              : (rejectionsOf.all(face.id) as number[]);
          for (const candidate of candidates) {
            const row = candidate === null ? undefined : people.get(candidate);
            if (row && row.name === null) id = row.id;
          }
        }
      }
      if (id === undefined) {
        id = people.insert(person.name, now);
        report.peopleCreated++;
      }
      resolved.set(key, id);
      return id;
    };
    const count = (changed: boolean) => (changed ? report.applied++ : report.unchanged++);

    file.faces.forEach((entry, index) => {
      const found = match(entry);
      const targets = [...found.faces];
      for (const { photoId, face } of drawn.get(index) ?? []) {
        const id = faces.insertManual(photoId, face, now);
        report.manualFacesAdded++;
        targets.push({ id, photoId, ...face.box, personId: null });
      }
      if (targets.length === 0) {
        report.unmatched.push(
          `face ${describeRef(entry)}: ${found.photos.length === 0 ? 'photo not in this library (or not analysed yet)' : 'no face there in this library'}`,
        );
        return;
      }
      if (entry.person !== undefined) {
        const personId = entry.person === null ? null : personFor(entry.person, targets);
        if (personId !== undefined) {
          for (const face of targets) {
            const current = decisionOf.get(face.id) as { person_id: number | null } | undefined;
            if (current && current.person_id === personId) {
              count(false);
              continue;
            }
            if (personId !== null) unreject.run(face.id, personId);
            faces.decide(face.id, personId, now);
            count(true);
          }
        }
      }
      for (const key of entry.notPeople) {
        const personId = personFor(key, targets, 'rejection');
        if (personId === undefined) continue;
        for (const face of targets) {
          if (rejected.get(face.id, personId)) {
            count(false);
            continue;
          }
          faces.reject(face.id, personId, now);
          const current = faces.get(face.id);
          if (current?.personId === personId) faces.undecide(face.id);
          count(true);
        }
      }
    });

    for (const ref of file.deletedFaces) {
      const found = match(ref);
      if (found.photos.length === 0) {
        report.unmatched.push(
          `deleted face ${describeRef(ref)}: photo not in this library (or not analysed yet)`,
        );
        continue;
      }
      for (const face of found.faces) {
        faces.deleteAsNotAFace(face.id, now);
        count(true);
      }
      for (const photo of found.photos) {
        if (found.faces.some((face) => face.photoId === photo.id)) continue;
        const kept = (tombstonesOf.all(photo.id) as FaceRef['box'][]).some(
          (box) => intersectionOverUnion(box, ref.box) >= MATCH_IOU,
        );
        if (kept) count(false);
        else {
          // Not detected here (yet): remembered, so that a later analysis does not bring it back.
          insertTombstone.run(photo.id, ref.box.x, ref.box.y, ref.box.width, ref.box.height, now);
          count(true);
        }
      }
    }

    for (const person of file.people) {
      const interesting = person.name !== null || person.hidden || person.birthDate !== null || person.cover;
      if (!interesting) continue;
      const id = personFor(person.key);
      if (id === undefined) continue;
      const row = people.get(id)!;
      if (Boolean(row.hidden) !== person.hidden) {
        people.setHidden(id, person.hidden);
        count(true);
      } else if (person.hidden) count(false);
      if (person.birthDate !== null) {
        if (row.birthDate !== person.birthDate) {
          people.setBirthDate(id, person.birthDate);
          count(true);
        } else count(false);
      }
      if (person.cover) {
        const cover = match(person.cover).faces.find((face) => faces.get(face.id)?.personId === id);
        if (!cover)
          report.unmatched.push(
            `cover of ${person.name ?? person.key}: ${describeRef(person.cover)} is not one of their faces here`,
          );
        else if (row.coverFaceId === cover.id) count(false);
        else {
          people.setCover(id, cover.id);
          count(true);
        }
      }
    }
    people.deleteAbandoned();
  });
  return report;
}
