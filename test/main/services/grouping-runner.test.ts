import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/clock';
import { openDatabase, type LibraryDatabase } from '../../../src/main/db/open';
import { FacesRepository } from '../../../src/main/repositories/faces';
import { PeopleRepository } from '../../../src/main/repositories/people';
import { createVectorIndex } from '../../../src/main/people/vector-index';
import { runGrouping } from '../../../src/main/services/grouping-runner';
import { tempDir } from '../../support/fixtures';

/** A seeded generator, so the "random" library is the same on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, gaussian };
}

let temp: ReturnType<typeof tempDir>;
let db: LibraryDatabase;

beforeEach(() => {
  temp = tempDir();
  db = openDatabase(path.join(temp.dir, 'library.db'));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

describe('runGrouping on a library of 2,500 faces (neighbours searched in batches)', () => {
  it('finds each identity as one person, leaves noise alone, and regroups from scratch to the same result', () => {
    const rng = random(7);
    const identities = 6;
    const perIdentity = 400;
    const centres = Array.from({ length: identities }, () => {
      const v = Float32Array.from({ length: 128 }, () => rng.gaussian());
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
    // Within-person spread of 0.026 per dimension: pairs of one person lie ~0.42 apart, as real ones do.
    const face = (centre: Float32Array | null) =>
      Buffer.from(
        Float32Array.from({ length: 128 }, (_, i) =>
          centre ? centre[i] + 0.026 * rng.gaussian() : rng.gaussian() * 0.09,
        ).buffer,
      );
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 'now')`).run();
    const insertPhoto = db.prepare(
      `INSERT INTO photos (id, folder_id, path, size, mtime_ms) VALUES (?, 1, ?, 1, 1)`,
    );
    const insertFace = db.prepare(
      `INSERT INTO faces (id, photo_id, x, y, width, height, score, landmarks, embedding, created_at)
       VALUES (?, ?, 0, 0, 100, 100, 0.95, zeroblob(544), ?, 'now')`,
    );
    const truth = new Map<number, number>();
    db.transaction(() => {
      let id = 0;
      for (let person = 0; person < identities; person++) {
        for (let i = 0; i < perIdentity; i++) {
          id++;
          insertPhoto.run(id, `/p/${id}.jpg`);
          insertFace.run(id, id, face(centres[person]));
          truth.set(id, person);
        }
      }
      for (let i = 0; i < 100; i++) {
        id++;
        insertPhoto.run(id, `/p/${id}.jpg`);
        insertFace.run(id, id, face(null));
      }
    })();

    const faces = new FacesRepository(db);
    const deps = { db, faces, people: new PeopleRepository(db), clock: systemClock };
    // Exact neighbours: the grouping is what is tested, on the same library every run. The HNSW
    // index is built on several threads and is not the same graph from run to run, and on this
    // library one identity was once found as two people through it (1 run in about 8).
    const index = createVectorIndex(128, { exact: true });
    for (const { id, embedding } of faces.allEmbeddings()) index.add(id, embedding);
    const first = runGrouping(deps, 'new', index);
    expect(first.newPeople).toBe(identities);

    const assignment = () =>
      new Map(
        (db.prepare(`SELECT id, person_id FROM faces`).raw().all() as [number, number | null][]).map(
          ([id, p]) => [id, p],
        ),
      );
    const check = () => {
      const assigned = assignment();
      const personOf = new Map<number, number | null>();
      for (const [faceId, identity] of truth) {
        const person = assigned.get(faceId)!;
        expect(person).not.toBeNull();
        if (!personOf.has(identity)) personOf.set(identity, person);
        expect(person).toBe(personOf.get(identity));
      }
      expect(new Set(personOf.values()).size).toBe(identities);
      // Noise faces are far from everyone: nobody.
      for (let id = identities * perIdentity + 1; id <= identities * perIdentity + 100; id++) {
        expect(assigned.get(id)).toBeNull();
      }
    };
    check();
    const before = assignment();

    const full = runGrouping(deps, 'full', index);
    expect(full.considered).toBe(2500);
    check();
    // Regrouping from scratch keeps each unnamed person's id (most of its faces came from it).
    expect(assignment()).toEqual(before);
  });
});
