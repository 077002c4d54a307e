import Database from 'better-sqlite3';
import path from 'node:path';
import { intersectionOverUnion } from '../../src/main/vision/nms';

/**
 * What must hold in a library after any crash. Each check returns its violations in words; an
 * empty list means it holds.
 */

export interface LibraryCounts {
  photos: number;
  indexed: number;
  failed: number;
  pending: number;
  faces: number;
  people: number;
  named: number;
}

type Db = Database.Database;

/** Opens the library's database as the next process would (a hot WAL is recovered on open). */
export function openForCheck(databaseFile: string): Db {
  const db = new Database(databaseFile, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

export function integrity(db: Db): string[] {
  const problems: string[] = [];
  const result = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
  if (result.length !== 1 || result[0].integrity_check !== 'ok')
    problems.push(`integrity_check: ${result.map((row) => row.integrity_check).join('; ')}`);
  const foreign = db.pragma('foreign_key_check') as unknown[];
  if (foreign.length > 0) problems.push(`foreign_key_check: ${foreign.length} rows point nowhere`);
  return problems;
}

/**
 * No photo or face twice:
 * - two photo rows with the same content hash (every generated file has bytes of its own);
 * - two faces of one photo whose boxes overlap by more than 0.7 IoU (the detector's own
 *   non-maximum suppression never keeps such a pair, so it can only be one face stored twice);
 * - counts kept by triggers (photos.face_count, people.face_count) that disagree with the rows.
 */
export function duplicates(db: Db): string[] {
  const problems: string[] = [];
  for (const row of db
    .prepare(
      `SELECT content_hash AS hash, COUNT(*) AS n, group_concat(path, ' | ') AS paths FROM photos
       WHERE content_hash IS NOT NULL GROUP BY content_hash HAVING n > 1`,
    )
    .all() as { hash: string; n: number; paths: string }[]) {
    problems.push(`photo content ${row.hash.slice(0, 12)} stored ${row.n} times: ${row.paths}`);
  }
  const faces = db
    .prepare(`SELECT id, photo_id AS photoId, x, y, width, height FROM faces ORDER BY photo_id`)
    .all() as {
    id: number;
    photoId: number;
    x: number;
    y: number;
    width: number;
    height: number;
  }[];
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length && faces[j].photoId === faces[i].photoId; j++) {
      if (intersectionOverUnion(faces[i], faces[j]) > 0.7)
        problems.push(
          `faces ${faces[i].id} and ${faces[j].id} of photo ${faces[i].photoId} are one face stored twice`,
        );
    }
  }
  for (const row of db
    .prepare(
      `SELECT p.id, p.face_count AS kept, (SELECT COUNT(*) FROM faces f WHERE f.photo_id = p.id) AS actual
       FROM photos p WHERE kept <> actual`,
    )
    .all() as { id: number; kept: number; actual: number }[]) {
    problems.push(`photo ${row.id} keeps face_count ${row.kept} but has ${row.actual} faces`);
  }
  for (const row of db
    .prepare(
      `SELECT p.id, p.face_count AS kept, (SELECT COUNT(*) FROM faces f WHERE f.person_id = p.id) AS actual
       FROM people p WHERE kept <> actual`,
    )
    .all() as { id: number; kept: number; actual: number }[]) {
    problems.push(`person ${row.id} keeps face_count ${row.kept} but has ${row.actual} faces`);
  }
  return problems;
}

export function counts(db: Db): LibraryCounts {
  const one = (sql: string) => db.prepare(sql).pluck().get() as number;
  return {
    photos: one(`SELECT COUNT(*) FROM photos`),
    indexed: one(`SELECT COUNT(*) FROM photos WHERE status = 'indexed'`),
    failed: one(`SELECT COUNT(*) FROM photos WHERE status = 'error'`),
    pending: one(`SELECT COUNT(*) FROM photos WHERE status = 'pending'`),
    faces: one(`SELECT COUNT(*) FROM faces`),
    people: one(`SELECT COUNT(*) FROM people`),
    named: one(`SELECT COUNT(*) FROM people WHERE name IS NOT NULL`),
  };
}

/**
 * Every user decision about the photos under `stableDir` (which the run never changes), one line
 * each, with faces named by photo path and box and people by name (or id): assignments and
 * "nobody" decisions, rejections, deleted faces, and each named person's hidden flag, birth date
 * and chosen cover. Two snapshots are equal exactly when no decision was lost or altered.
 */
export function decisionSnapshot(db: Db, stableDir: string): string[] {
  const prefix = `${stableDir}${path.sep}%`;
  const box = (r: { x: number; y: number; width: number; height: number }) =>
    [r.x, r.y, r.width, r.height].map((n) => Math.round(n)).join(',');
  const who = (r: { personId: number | null; name: string | null }) =>
    r.personId === null ? 'nobody' : (r.name ?? `#${r.personId}`);
  type FaceRow = {
    path: string;
    x: number;
    y: number;
    width: number;
    height: number;
    personId: number | null;
    name: string | null;
  };
  const lines: string[] = [];
  for (const r of db
    .prepare(
      `SELECT p.path, f.x, f.y, f.width, f.height, d.person_id AS personId, pe.name
       FROM face_decisions d JOIN faces f ON f.id = d.face_id JOIN photos p ON p.id = f.photo_id
       LEFT JOIN people pe ON pe.id = d.person_id WHERE p.path LIKE ?`,
    )
    .all(prefix) as FaceRow[]) {
    lines.push(`decision ${path.relative(stableDir, r.path)} [${box(r)}] = ${who(r)}`);
  }
  for (const r of db
    .prepare(
      `SELECT p.path, f.x, f.y, f.width, f.height, r.person_id AS personId, pe.name
       FROM face_rejections r JOIN faces f ON f.id = r.face_id JOIN photos p ON p.id = f.photo_id
       JOIN people pe ON pe.id = r.person_id WHERE p.path LIKE ?`,
    )
    .all(prefix) as FaceRow[]) {
    lines.push(`rejection ${path.relative(stableDir, r.path)} [${box(r)}] != ${who(r)}`);
  }
  for (const r of db
    .prepare(
      `SELECT p.path, t.x, t.y, t.width, t.height FROM face_tombstones t JOIN photos p ON p.id = t.photo_id
       WHERE p.path LIKE ?`,
    )
    .all(prefix) as FaceRow[]) {
    lines.push(`deleted ${path.relative(stableDir, r.path)} [${box(r)}]`);
  }
  for (const r of db
    .prepare(
      `SELECT pe.name, pe.hidden, pe.birth_date AS birthDate, cp.path, c.x, c.y, c.width, c.height
       FROM people pe LEFT JOIN faces c ON c.id = pe.cover_face_id LEFT JOIN photos cp ON cp.id = c.photo_id
       WHERE pe.name IS NOT NULL`,
    )
    .all() as (FaceRow & { hidden: number; birthDate: string | null })[]) {
    const cover = r.path === null ? 'default' : `${path.relative(stableDir, r.path)} [${box(r)}]`;
    lines.push(`person ${r.name} hidden=${r.hidden} born=${r.birthDate ?? '-'} cover=${cover}`);
  }
  return lines.sort();
}

/** The lines of `expected` missing from `actual`, and the lines `actual` has that were not expected. */
export function compareSnapshots(expected: readonly string[], actual: readonly string[]): string[] {
  const have = new Set(actual);
  const want = new Set(expected);
  return [
    ...expected.filter((line) => !have.has(line)).map((line) => `lost: ${line}`),
    ...actual.filter((line) => !want.has(line)).map((line) => `unexpected: ${line}`),
  ];
}
