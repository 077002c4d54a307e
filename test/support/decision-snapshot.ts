import Database from 'better-sqlite3';
import path from 'node:path';

/**
 * Every user decision of a library, one sorted line each, in terms two libraries of the same photos
 * share: faces by photo content hash and box (rounded to whole pixels), people by name.
 */
export function decisionLines(libraryDir: string): string[] {
  const db = new Database(path.join(libraryDir, 'library.db'), { readonly: true, fileMustExist: true });
  try {
    const face = (r: { hash: string; x: number; y: number; width: number; height: number }) =>
      `${r.hash.slice(0, 16)} [${[r.x, r.y, r.width, r.height].map((n) => Math.round(n)).join(',')}]`;
    type Row = {
      hash: string;
      x: number;
      y: number;
      width: number;
      height: number;
      name: string | null;
      personId: number | null;
    };
    const who = (r: Row) => (r.personId === null ? 'nobody' : (r.name ?? 'someone unnamed'));
    const lines: string[] = [];
    for (const r of db
      .prepare(
        `SELECT p.content_hash AS hash, f.x, f.y, f.width, f.height, d.person_id AS personId, pe.name, f.source
         FROM face_decisions d JOIN faces f ON f.id = d.face_id JOIN photos p ON p.id = f.photo_id
         LEFT JOIN people pe ON pe.id = d.person_id`,
      )
      .all() as (Row & { source: string })[])
      lines.push(`${r.source} face ${face(r)} is ${who(r)}`);
    for (const r of db
      .prepare(
        `SELECT p.content_hash AS hash, f.x, f.y, f.width, f.height, r.person_id AS personId, pe.name
         FROM face_rejections r JOIN faces f ON f.id = r.face_id JOIN photos p ON p.id = f.photo_id
         JOIN people pe ON pe.id = r.person_id`,
      )
      .all() as Row[])
      lines.push(`face ${face(r)} is not ${who(r)}`);
    for (const r of db
      .prepare(
        `SELECT p.content_hash AS hash, t.x, t.y, t.width, t.height FROM face_tombstones t JOIN photos p ON p.id = t.photo_id`,
      )
      .all() as Row[])
      lines.push(`face ${face(r)} deleted`);
    for (const r of db
      .prepare(
        `SELECT pe.name, pe.hidden, pe.birth_date AS birthDate, p.content_hash AS hash, c.x, c.y, c.width, c.height
         FROM people pe LEFT JOIN faces c ON c.id = pe.cover_face_id LEFT JOIN photos p ON p.id = c.photo_id
         WHERE pe.name IS NOT NULL OR pe.hidden = 1 OR pe.birth_date IS NOT NULL`,
      )
      .all() as (Row & { hidden: number; birthDate: string | null })[])
      lines.push(
        `person ${r.name ?? '(unnamed)'} hidden=${r.hidden} born=${r.birthDate ?? '-'} cover=${r.hash ? face(r) : 'default'}`,
      );
    return lines.sort();
  } finally {
    db.close();
  }
}
