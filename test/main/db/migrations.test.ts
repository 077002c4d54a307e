import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LibraryTooNewError, migrate } from '../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../src/main/db/migrations';
import { openDatabase } from '../../../src/main/db/open';
import { ViewsRepository } from '../../../src/main/repositories/views';
import { tempDir } from '../../support/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function tempDbFile(): string {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  return path.join(temp.dir, 'library.db');
}

/** SQLite's plan for a query, one step a line ("SCAN f USING INDEX …", "USE TEMP B-TREE …"). */
function queryPlan(db: Database.Database, sql: string): string {
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all()
    .map((row) => (row as { detail: string }).detail)
    .join('\n');
}

/** A new library database migrated up to `version`, with foreign keys on and one folder (id 1). */
function databaseAt(version: number): Database.Database {
  const db = new Database(tempDbFile());
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS, version);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 'then')`).run();
  return db;
}

describe('library database', () => {
  it('opens with WAL, foreign keys and the newest schema version', () => {
    const db = openDatabase(tempDbFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(['face_rejections', 'faces', 'folders', 'people', 'photos']),
    );
    db.close();
  });

  it('numbers migrations from 1 without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('re-running migrate on an up-to-date file changes nothing', () => {
    const file = tempDbFile();
    openDatabase(file).close();
    const db = new Database(file);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a library written by a newer Kindred, naming both versions', () => {
    const file = tempDbFile();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    expect(() => migrate(db)).toThrow(LibraryTooNewError);
    expect(() => migrate(db)).toThrow(/newer Kindred/);
    db.close();
  });
});

describe('migration 0001 (initial)', () => {
  it('creates a schema that enforces photo status and embedding size', () => {
    const db = databaseAt(1);
    expect(() =>
      db
        .prepare(
          `INSERT INTO photos (folder_id, path, size, mtime_ms, status) VALUES (1, '/p/a.jpg', 1, 1, 'weird')`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.prepare(
      `INSERT INTO photos (id, folder_id, path, size, mtime_ms) VALUES (1, 1, '/p/a.jpg', 1, 1)`,
    ).run();
    const insertFace = db.prepare(
      `INSERT INTO faces (photo_id, x, y, width, height, score, landmarks, embedding, created_at)
       VALUES (1, 0, 0, 10, 10, 0.9, ?, ?, 'now')`,
    );
    expect(() => insertFace.run(Buffer.alloc(544), Buffer.alloc(100))).toThrow(/CHECK/);
    insertFace.run(Buffer.alloc(544), Buffer.alloc(512));
    // Deleting a photo takes its faces with it.
    db.prepare(`DELETE FROM photos WHERE id = 1`).run();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM faces`).get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('migration 0002 (people)', () => {
  it('upgrades a version-1 library without losing its photos and faces', () => {
    const db = databaseAt(1);
    db.prepare(
      `INSERT INTO photos (id, folder_id, path, size, mtime_ms, status, width, height) VALUES (1, 1, '/p/a.jpg', 10, 20, 'indexed', 640, 480)`,
    ).run();
    const embedding = Buffer.from(new Float32Array(128).fill(0.25).buffer);
    db.prepare(
      `INSERT INTO faces (id, photo_id, x, y, width, height, score, landmarks, embedding, created_at)
       VALUES (7, 1, 1, 2, 30, 40, 0.9, ?, ?, 'then')`,
    ).run(Buffer.alloc(544), embedding);

    expect(migrate(db, MIGRATIONS, 2)).toBe(2);
    const face = db.prepare(`SELECT * FROM faces WHERE id = 7`).get() as Record<string, unknown>;
    expect(face).toMatchObject({
      photo_id: 1,
      width: 30,
      grouped: 0,
      source: 'detected',
      suggested_person_id: null,
    });
    expect(Buffer.compare(face.embedding as Buffer, embedding)).toBe(0);
    expect(db.prepare(`SELECT path, status FROM photos`).all()).toEqual([
      { path: '/p/a.jpg', status: 'indexed' },
    ]);
    // The new decision tables work and clean up after their face.
    db.prepare(`INSERT INTO people (id, name, created_at) VALUES (3, 'Ann', 'now')`).run();
    db.prepare(`INSERT INTO face_decisions (face_id, person_id, decided_at) VALUES (7, 3, 'now')`).run();
    db.prepare(`DELETE FROM faces WHERE id = 7`).run();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM face_decisions`).get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('migration 0003 (face index log)', () => {
  it('upgrades a version-2 library and logs every face change the neighbour index must follow', () => {
    const db = databaseAt(2);
    db.prepare(
      `INSERT INTO photos (id, folder_id, path, size, mtime_ms) VALUES (1, 1, '/p/a.jpg', 1, 1)`,
    ).run();
    const insertFace = db.prepare(
      `INSERT INTO faces (id, photo_id, x, y, width, height, score, landmarks, embedding, created_at)
       VALUES (?, 1, 0, 0, 10, 10, 0.9, zeroblob(544), zeroblob(512), 'then')`,
    );
    insertFace.run(1);

    expect(migrate(db, MIGRATIONS, 3)).toBe(3);
    expect(db.prepare(`SELECT COUNT(*) FROM faces`).pluck().get()).toBe(1);
    const log = () => db.prepare(`SELECT face_id FROM face_index_log ORDER BY seq`).pluck().all();
    expect(log()).toEqual([]);
    insertFace.run(2);
    db.prepare(`UPDATE faces SET embedding = zeroblob(512) WHERE id = 1`).run();
    db.prepare(`UPDATE faces SET person_id = NULL WHERE id = 1`).run(); // not an embedding change: not logged
    db.prepare(`DELETE FROM faces WHERE id = 2`).run();
    expect(log()).toEqual([2, 1, 2]);
    db.close();
  });
});

describe('migration 0004 (people counts)', () => {
  function libraryAt(version: number) {
    const db = databaseAt(version);
    for (const id of [1, 2, 3]) {
      db.prepare(`INSERT INTO photos (id, folder_id, path, size, mtime_ms) VALUES (?, 1, ?, 1, 1)`).run(
        id,
        `/p/${id}.jpg`,
      );
    }
    for (const id of [10, 20]) {
      db.prepare(`INSERT INTO people (id, created_at) VALUES (?, 'then')`).run(id);
    }
    return db;
  }
  const insertFace = (db: Database.Database, id: number, photo: number, person: number | null) =>
    db
      .prepare(
        `INSERT INTO faces (id, photo_id, x, y, width, height, score, landmarks, embedding, person_id, created_at)
         VALUES (?, ?, 0, 0, 10, 10, 0.9, zeroblob(544), zeroblob(512), ?, 'then')`,
      )
      .run(id, photo, person);
  const counted = (db: Database.Database) =>
    db.prepare(`SELECT id, face_count AS faces, photo_count AS photos FROM people ORDER BY id`).all();
  const recounted = (db: Database.Database) =>
    db
      .prepare(
        `SELECT p.id, COUNT(f.id) AS faces, COUNT(DISTINCT f.photo_id) AS photos
         FROM people p LEFT JOIN faces f ON f.person_id = p.id GROUP BY p.id ORDER BY p.id`,
      )
      .all();

  it('upgrades a version-3 library with the counts of its people', () => {
    const db = libraryAt(3);
    insertFace(db, 1, 1, 10);
    insertFace(db, 2, 1, 10); // two faces of person 10 in one photo count once as a photo
    insertFace(db, 3, 2, 10);
    insertFace(db, 4, 3, 20);
    insertFace(db, 5, 3, null);

    expect(migrate(db, MIGRATIONS, 4)).toBe(4);
    expect(counted(db)).toEqual([
      { id: 10, faces: 3, photos: 2 },
      { id: 20, faces: 1, photos: 1 },
    ]);
    db.close();
  });

  it('keeps the counts exact through inserts, moves, unassignments, deletions and cascades', () => {
    const db = libraryAt(4);
    const steps: [string, () => void][] = [
      ['insert', () => [1, 2, 3, 4, 5].forEach((id) => insertFace(db, id, 1 + (id % 3), 10))],
      ['second face in a photo', () => insertFace(db, 6, 2, 10)],
      ['move one face', () => db.prepare(`UPDATE faces SET person_id = 20 WHERE id = 6`).run()],
      ['move a photo’s faces', () => db.prepare(`UPDATE faces SET person_id = 20 WHERE photo_id = 3`).run()],
      ['unassign', () => db.prepare(`UPDATE faces SET person_id = NULL WHERE id = 1`).run()],
      ['reassign', () => db.prepare(`UPDATE faces SET person_id = 10 WHERE id = 1`).run()],
      ['delete a face', () => db.prepare(`DELETE FROM faces WHERE id = 4`).run()],
      ['delete a photo (cascade)', () => db.prepare(`DELETE FROM photos WHERE id = 2`).run()],
      ['delete a person (set null)', () => db.prepare(`DELETE FROM people WHERE id = 20`).run()],
    ];
    for (const [step, run] of steps) {
      run();
      expect(counted(db), step).toEqual(recounted(db));
    }
    expect(counted(db)).toEqual([{ id: 10, faces: 1, photos: 1 }]);
    db.close();
  });

  it('picks default covers with one index seek per person', () => {
    const db = libraryAt(4);
    const plan = queryPlan(
      db,
      `SELECT f.id FROM faces f WHERE f.person_id = 10
       ORDER BY (f.score >= 0.9) DESC, f.width * f.height DESC, f.id LIMIT 1`,
    );
    expect(plan).toContain('faces_person_cover');
    expect(plan).not.toContain('TEMP B-TREE');
    db.close();
  });
});

describe('migration 0005 (photo face counts)', () => {
  it('upgrades a version-4 library with each photo’s count, and keeps it exact from then on', () => {
    const db = databaseAt(4);
    for (const id of [1, 2]) {
      db.prepare(`INSERT INTO photos (id, folder_id, path, size, mtime_ms) VALUES (?, 1, ?, 1, 1)`).run(
        id,
        `/p/${id}.jpg`,
      );
    }
    const insertFace = (id: number, photo: number) =>
      db
        .prepare(
          `INSERT INTO faces (id, photo_id, x, y, width, height, score, landmarks, embedding, created_at)
           VALUES (?, ?, 0, 0, 10, 10, 0.9, zeroblob(544), zeroblob(512), 'then')`,
        )
        .run(id, photo);
    insertFace(1, 1);
    insertFace(2, 1);

    expect(migrate(db, MIGRATIONS, 5)).toBe(5);
    const counted = () => db.prepare(`SELECT id, face_count AS faces FROM photos ORDER BY id`).all();
    const recounted = () =>
      db
        .prepare(
          `SELECT p.id, COUNT(f.id) AS faces FROM photos p LEFT JOIN faces f ON f.photo_id = p.id
           GROUP BY p.id ORDER BY p.id`,
        )
        .all();
    expect(counted()).toEqual([
      { id: 1, faces: 2 },
      { id: 2, faces: 0 },
    ]);
    insertFace(3, 2);
    expect(counted()).toEqual(recounted());
    db.prepare(`UPDATE faces SET photo_id = 2 WHERE id = 1`).run();
    expect(counted()).toEqual(recounted());
    db.prepare(`DELETE FROM faces WHERE id = 2`).run();
    expect(counted()).toEqual([
      { id: 1, faces: 0 },
      { id: 2, faces: 2 },
    ]);
    db.close();
  });
});

describe('migration 0006 (timeline order index)', () => {
  it('upgrades a version-5 library so that a timeline page is read in index order, not sorted', () => {
    const db = databaseAt(5);
    const insert = db.prepare(
      `INSERT INTO photos (id, folder_id, path, size, mtime_ms, taken_at) VALUES (?, 1, ?, 1, 1, ?)`,
    );
    const dates = [null, '2001-05-01T10:00:00', '2019-12-24T18:00:00', null, '2019-12-24T18:00:00'];
    dates.forEach((date, i) => insert.run(i + 1, `/p/${i + 1}.jpg`, date));
    const page = () => new ViewsRepository(db).photoPage({}, 0, 10).map((photo) => photo.id);
    const before = page();

    expect(migrate(db, MIGRATIONS, 6)).toBe(6);
    // Newest first, the same date by id descending, undated last: the same order as before.
    expect(page()).toEqual([5, 3, 2, 4, 1]);
    expect(page()).toEqual(before);
    const plan = queryPlan(
      db,
      `SELECT p.id FROM photos p
       ORDER BY p.taken_at IS NULL, p.taken_at DESC, p.id DESC LIMIT 240 OFFSET 1000`,
    );
    expect(plan).toContain('photos_timeline');
    expect(plan).not.toContain('TEMP B-TREE');
    db.close();
  });
});
