import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { createAnalysisPool, type AnalysisPool } from '../../../src/main/vision/pool';
import { createTestLibrary, fixedClock, type TestLibrary } from '../../support/library';

const PHOTOS = ['groups/bbt3.jpg', 'misc/happy.jpg', 'misc/landscape_waterfall.jpg', 'people/raj/raj1.png'];
const EXPECTED_FACES: Record<string, number> = {
  'bbt3.jpg': 5,
  'happy.jpg': 1,
  'landscape_waterfall.jpg': 0,
  'raj1.png': 1,
};

let lib: TestLibrary;
beforeEach(() => {
  lib = createTestLibrary();
});
afterEach(() => lib.cleanup());

const scanOptions = { workers: 2, pipeline: DEFAULT_PIPELINE };

function faceRows(dbFile: string): { photo: string; n: number }[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT p.path AS photo, COUNT(f.id) AS n FROM photos p LEFT JOIN faces f ON f.photo_id = p.id GROUP BY p.id ORDER BY p.path`,
      )
      .all() as { photo: string; n: number }[];
  } finally {
    db.close();
  }
}

describe('scanning a folder', () => {
  it('indexes every photo with its faces, then skips unchanged files on a rescan', async () => {
    lib.addPhotos(PHOTOS);
    const library = lib.open({ clock: fixedClock() });
    const first = await library.scan([lib.photosDir], scanOptions);
    expect(first).toMatchObject({ indexed: 4, failed: 0, unchanged: 0, seen: 4, facesFound: 7 });

    const photos = await library.listPhotos();
    expect(photos.map((p) => [path.basename(p.path), p.faces, p.status])).toEqual(
      Object.entries(EXPECTED_FACES).map(([name, faces]) => [name, faces, 'indexed']),
    );
    const faces = await library.listFaces({ withEmbeddings: true });
    expect(faces).toHaveLength(7);
    for (const face of faces) {
      expect(face.embedding).toHaveLength(128);
      expect(face.personId).toBeNull();
    }

    const second = await library.scan([lib.photosDir], scanOptions);
    expect(second).toMatchObject({ indexed: 0, failed: 0, unchanged: 4, seen: 4, facesFound: 0 });
    expect((await library.listFaces()).map((f) => f.id)).toEqual(faces.map((f) => f.id));
  });

  it('re-analyses a file whose content changed, and forgets a file that is gone', async () => {
    const [group, happy] = lib.addPhotos(PHOTOS);
    const library = lib.open();
    await library.scan([lib.photosDir], scanOptions);

    // Same name, different photo (and a different size, so the change is seen whatever the mtime).
    fs.copyFileSync(lib.addPhotos(['groups/bbt5.jpg'], path.join(lib.dir, '..', 'spare'))[0], group);
    fs.rmSync(happy);
    const rescan = await library.scan([lib.photosDir], scanOptions);
    expect(rescan).toMatchObject({ indexed: 1, unchanged: 2, removed: 1, facesFound: 5 });
    const byName = Object.fromEntries(
      (await library.listPhotos()).map((p) => [path.basename(p.path), p.faces]),
    );
    expect(byName).toEqual({ 'bbt3.jpg': 5, 'landscape_waterfall.jpg': 0, 'raj1.png': 1 });
  });

  it('records a corrupt photo as failed and goes on with the rest', async () => {
    lib.addPhotos(['misc/happy.jpg']);
    fs.writeFileSync(path.join(lib.photosDir, 'broken.jpg'), 'this is not a photo');
    const library = lib.open();
    const summary = await library.scan([lib.photosDir], scanOptions);
    expect(summary).toMatchObject({ indexed: 1, failed: 1 });
    const [broken] = await library.listPhotos({ status: 'error' });
    expect(broken.path).toBe(path.join(lib.photosDir, 'broken.jpg'));
    expect(broken.error).toMatch(/not an image/);
    expect(broken.faces).toBe(0);
  });

  it('resumes cleanly after a scan dies part-way: no photo or face is lost or duplicated', async () => {
    lib.addPhotos(PHOTOS);
    const real = createAnalysisPool({ workers: 1 });
    let served = 0;
    // Dies on the third photo, as a killed process would: the first two results are already written.
    const dying: AnalysisPool = {
      workers: 1,
      slots: 1,
      analyse: async (task) => {
        if (++served > 2) throw new Error('simulated crash');
        return real.analyse(task);
      },
      embedBox: (task) => real.embedBox(task),
      close: () => real.close(),
    };
    const crashed = lib.open({ createPool: () => dying });
    await expect(crashed.scan([lib.photosDir], scanOptions)).rejects.toThrow('simulated crash');
    crashed.close();

    const dbFile = path.join(lib.dir, 'library.db');
    const afterCrash = faceRows(dbFile);
    expect(afterCrash).toHaveLength(4);
    const reopened = lib.open();
    expect((await reopened.listPhotos({ status: 'pending' })).length).toBeGreaterThanOrEqual(2);
    const resumed = await reopened.scan([lib.photosDir], scanOptions);
    expect(resumed.indexed + resumed.unchanged).toBe(4);
    expect(resumed.indexed).toBeLessThanOrEqual(2);
    expect(faceRows(dbFile).map((row) => [path.basename(row.photo), row.n])).toEqual(
      Object.entries(EXPECTED_FACES),
    );
  });

  it('scans a sub-folder of a library folder without forgetting the rest of it', async () => {
    lib.addPhotos(['misc/happy.jpg']);
    const nested = path.join(lib.photosDir, '2024');
    lib.addPhotos(['misc/sad.jpg'], nested);
    const library = lib.open();
    await library.scan([lib.photosDir], scanOptions);
    const again = await library.scan([nested], scanOptions);
    expect(again).toMatchObject({ indexed: 0, unchanged: 1, removed: 0 });
    expect(await library.listPhotos()).toHaveLength(2);
  });

  it('re-points renamed and moved photos on a rescan, keeping their faces and names (no new analysis)', async () => {
    const [group, happy] = lib.addPhotos(['groups/bbt3.jpg', 'misc/happy.jpg']);
    const other = path.join(lib.dir, '..', 'other');
    lib.addPhotos(['people/raj/raj1.png'], other);
    const library = lib.open();
    await library.scan([lib.photosDir, other], scanOptions);
    const happyFace = (await library.listFaces()).find((face) => face.photo === happy)!;
    library.people.move([String(happyFace.id)], 'Happy');
    const before = (await library.listFaces()).map((face) => face.id).sort();

    fs.renameSync(group, path.join(lib.photosDir, 'friends.jpg'));
    fs.renameSync(happy, path.join(other, 'happy.jpg'));
    const rescan = await library.scan([lib.photosDir, other], scanOptions);
    expect(rescan).toMatchObject({ indexed: 0, moved: 2, removed: 0 });
    expect((await library.listFaces()).map((face) => face.id).sort()).toEqual(before);
    const moved = (await library.listFaces()).find((face) => face.id === happyFace.id)!;
    expect(moved).toMatchObject({ photo: path.join(other, 'happy.jpg'), personName: 'Happy' });
  });

  it('takes a library folder renamed while Kindred was closed back when the new path is added', async () => {
    lib.addPhotos(['misc/happy.jpg', 'people/raj/raj1.png']);
    const library = lib.open();
    await library.scan([lib.photosDir], scanOptions);
    const before = (await library.listFaces()).map((face) => face.id).sort();
    const renamed = `${lib.photosDir} 2026`;
    fs.renameSync(lib.photosDir, renamed);
    expect(await library.listFolders()).toMatchObject([{ path: lib.photosDir, online: false, photos: 2 }]);

    expect(await library.scan([renamed], scanOptions)).toMatchObject({ indexed: 0, moved: 2 });
    expect((await library.listFaces()).map((face) => face.id).sort()).toEqual(before);
    expect(await library.listFolders()).toMatchObject([
      { path: lib.photosDir, online: false, photos: 0 },
      { path: renamed, online: true, photos: 2, pending: 0, errors: 0 },
    ]);
  });

  it('takes a photo renamed over another as a move: the renamed one keeps its faces, the replaced one goes', async () => {
    const [happy, sad] = lib.addPhotos(['misc/happy.jpg', 'misc/sad.jpg']);
    const library = lib.open();
    await library.scan([lib.photosDir], scanOptions);
    const happyFace = (await library.listFaces()).find((face) => face.photo === happy)!;
    library.people.move([String(happyFace.id)], 'Happy');

    fs.renameSync(happy, sad);
    const rescan = await library.scan([lib.photosDir], scanOptions);
    expect(rescan).toMatchObject({ indexed: 0, moved: 1 });
    expect(await library.listFaces()).toMatchObject([{ id: happyFace.id, photo: sad, personName: 'Happy' }]);
    expect((await library.listPhotos()).map((p) => p.path)).toEqual([sad]);
  });
});
