import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type LibraryDatabase } from '../../../src/main/db/open';
import { FacesRepository } from '../../../src/main/repositories/faces';
import { FaceIndex, saveThreshold } from '../../../src/main/services/face-index';
import { tempDir } from '../../support/fixtures';

let temp: ReturnType<typeof tempDir>;
let db: LibraryDatabase;
let faces: FacesRepository;
let cacheDir: string;

/** A deterministic embedding per face id: a point on its own axis pair, far from the others. */
function embeddingFor(id: number): Buffer {
  const v = new Float32Array(128);
  v[id % 128] = 1;
  v[(id * 7 + 3) % 128] += 0.5 + (id % 5) * 0.01;
  return Buffer.from(v.buffer);
}

function insertFace(id: number): void {
  db.prepare(
    `INSERT INTO faces (id, photo_id, x, y, width, height, score, landmarks, embedding, created_at)
     VALUES (?, 1, 0, 0, 80, 80, 0.9, zeroblob(544), ?, 'now')`,
  ).run(id, embeddingFor(id));
}

const nearest = (index: FaceIndex, id: number) =>
  index.index.search(new Float32Array(new Uint8Array(embeddingFor(id)).buffer), 1)[0]?.id;

beforeEach(() => {
  temp = tempDir();
  cacheDir = path.join(temp.dir, 'cache');
  db = openDatabase(path.join(temp.dir, 'library.db'));
  faces = new FacesRepository(db);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 'now')`).run();
  db.prepare(
    `INSERT INTO photos (id, folder_id, path, size, mtime_ms) VALUES (1, 1, '/p/a.jpg', 1, 1)`,
  ).run();
  for (let id = 1; id <= 200; id++) insertFace(id);
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

describe('FaceIndex', () => {
  it('builds from SQLite, saves itself and empties the change log it covers', () => {
    const index = FaceIndex.open(db, faces, cacheDir);
    expect(index.index.size).toBe(200);
    expect(nearest(index, 42)).toBe(42);
    index.persist();
    expect(fs.existsSync(path.join(cacheDir, 'face-index.json'))).toBe(true);
    expect(db.prepare(`SELECT COUNT(*) FROM face_index_log`).pluck().get()).toBe(0);
  });

  it('comes back from its saved copy and catches up with faces added and deleted since', () => {
    FaceIndex.open(db, faces, cacheDir).persist();
    insertFace(201);
    db.prepare(`DELETE FROM faces WHERE id = 7`).run();
    const reopened = FaceIndex.open(db, faces, cacheDir);
    expect(reopened.index.size).toBe(200);
    expect(nearest(reopened, 201)).toBe(201);
    expect(reopened.index.has(7)).toBe(false);
  });

  it('rebuilds when the saved copy is damaged, rather than trusting it', () => {
    FaceIndex.open(db, faces, cacheDir).persist();
    const meta = JSON.parse(fs.readFileSync(path.join(cacheDir, 'face-index.json'), 'utf8')) as {
      graph: string;
    };
    fs.writeFileSync(path.join(cacheDir, meta.graph), 'garbage');
    const reopened = FaceIndex.open(db, faces, cacheDir);
    expect(reopened.index.size).toBe(200);
    expect(nearest(reopened, 99)).toBe(99);
  });

  it('rebuilds when the saved copy does not match the library (a library restored from a backup)', () => {
    FaceIndex.open(db, faces, cacheDir).persist();
    // Changes made behind the log's back (the log emptied, as after another process's save).
    db.prepare(`DELETE FROM faces WHERE id > 150`).run();
    db.prepare(`DELETE FROM face_index_log`).run();
    const reopened = FaceIndex.open(db, faces, cacheDir);
    expect(reopened.index.size).toBe(150);
  });

  it('saves only when enough changes are unsaved, and the log keeps the rest for the next process', () => {
    FaceIndex.open(db, faces, cacheDir).persist();
    const savedMeta = () => fs.readFileSync(path.join(cacheDir, 'face-index.json'), 'utf8');
    const logSize = () => db.prepare(`SELECT COUNT(*) FROM face_index_log`).pluck().get();
    const before = savedMeta();

    insertFace(201);
    const app = FaceIndex.open(db, faces, cacheDir);
    expect(nearest(app, 201)).toBe(201);
    app.persist(); // one change: not worth rewriting the graph
    expect(savedMeta()).toBe(before);
    expect(logSize()).toBe(1);
    expect(nearest(FaceIndex.open(db, faces, cacheDir), 201)).toBe(201); // replayed from the log

    const threshold = saveThreshold(app.index.size);
    for (let id = 202; id < 201 + threshold; id++) insertFace(id);
    app.refresh();
    expect(app.index.size).toBe(200 + threshold);
    app.persist();
    expect(savedMeta()).not.toBe(before);
    expect(logSize()).toBe(0);
  });
});
