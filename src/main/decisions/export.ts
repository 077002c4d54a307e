import type { LibraryDatabase } from '../db/open';
import type { Clock } from '../clock';
import { DECISIONS_FORMAT, DECISIONS_VERSION, type DecisionsFile, type FaceRef } from './format';

interface FaceRow {
  id: number;
  hash: string | null;
  path: string;
  x: number;
  y: number;
  width: number;
  height: number;
  source: 'detected' | 'manual';
  decided: number;
  decidedPerson: number | null;
}

/**
 * Every user decision of the library as a decisions file. Faces whose photo has no content hash yet
 * (never analysed) carry no decisions, so nothing is left out.
 */
export function exportDecisions(db: LibraryDatabase, clock: Clock): DecisionsFile {
  const ref = (row: {
    hash: string | null;
    path: string;
    x: number;
    y: number;
    width: number;
    height: number;
  }): FaceRef => ({
    photo: row.hash!,
    path: row.path,
    box: { x: row.x, y: row.y, width: row.width, height: row.height },
  });
  const faceSql = `SELECT f.id, p.content_hash AS hash, p.path, f.x, f.y, f.width, f.height, f.source,
      d.face_id IS NOT NULL AS decided, d.person_id AS decidedPerson
    FROM faces f JOIN photos p ON p.id = f.photo_id LEFT JOIN face_decisions d ON d.face_id = f.id`;
  const faces = db
    .prepare(
      `${faceSql} WHERE p.content_hash IS NOT NULL AND (d.face_id IS NOT NULL OR f.source = 'manual'
         OR EXISTS (SELECT 1 FROM face_rejections r WHERE r.face_id = f.id))
       ORDER BY p.content_hash, f.x, f.y, f.id`,
    )
    .all() as FaceRow[];
  const rejections = new Map<number, number[]>();
  for (const { faceId, personId } of db
    .prepare(`SELECT face_id AS faceId, person_id AS personId FROM face_rejections ORDER BY person_id`)
    .all() as { faceId: number; personId: number }[]) {
    rejections.set(faceId, [...(rejections.get(faceId) ?? []), personId]);
  }

  // People worth carrying: named, hidden, with a birth date or a chosen cover, or named in a decision.
  const mentioned = new Set<number>();
  for (const face of faces) {
    if (face.decidedPerson !== null) mentioned.add(face.decidedPerson);
    for (const person of rejections.get(face.id) ?? []) mentioned.add(person);
  }
  const people = (
    db
      .prepare(
        `SELECT pe.id, pe.name, pe.hidden, pe.birth_date AS birthDate, p.content_hash AS hash, p.path,
                c.x, c.y, c.width, c.height
         FROM people pe LEFT JOIN faces c ON c.id = pe.cover_face_id LEFT JOIN photos p ON p.id = c.photo_id
         ORDER BY pe.id`,
      )
      .all() as {
      id: number;
      name: string | null;
      hidden: number;
      birthDate: string | null;
      hash: string | null;
      path: string;
      x: number;
      y: number;
      width: number;
      height: number;
    }[]
  ).filter(
    (p) => p.name !== null || p.hidden || p.birthDate !== null || p.hash !== null || mentioned.has(p.id),
  );
  const key = (id: number) => `p${id}`;

  return {
    format: DECISIONS_FORMAT,
    version: DECISIONS_VERSION,
    exportedAt: clock.now().toISOString(),
    people: people.map((p) => ({
      key: key(p.id),
      name: p.name,
      hidden: p.hidden === 1,
      birthDate: p.birthDate,
      cover: p.hash === null ? null : ref(p),
    })),
    faces: faces.map((face) => ({
      ...ref(face),
      source: face.source,
      ...(face.decided ? { person: face.decidedPerson === null ? null : key(face.decidedPerson) } : {}),
      notPeople: (rejections.get(face.id) ?? []).map(key),
    })),
    deletedFaces: (
      db
        .prepare(
          `SELECT p.content_hash AS hash, p.path, t.x, t.y, t.width, t.height FROM face_tombstones t
           JOIN photos p ON p.id = t.photo_id WHERE p.content_hash IS NOT NULL ORDER BY p.content_hash, t.x, t.y`,
        )
        .all() as { hash: string; path: string; x: number; y: number; width: number; height: number }[]
    ).map(ref),
  };
}
