import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryService } from '../../../src/main/services/library';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import {
  LibraryWatcher,
  type LibraryWatcherOptions,
  type WatchChange,
} from '../../../src/main/watcher/library-watcher';
import { fixture } from '../../support/fixtures';
import { createTestLibrary, fixedClock, type TestLibrary } from '../../support/library';

/**
 * A real chokidar watcher on real folders, real models in the pool and a real SQLite library.
 * Each step waits for the change line it causes (bounded), never for a fixed time.
 */
const FAST: LibraryWatcherOptions = {
  workers: 1,
  pipeline: DEFAULT_PIPELINE,
  settleMs: 400,
  debounceMs: 50,
  removalGraceMs: 600,
  rootCheckMs: 200,
  poolIdleMs: 60_000,
};
const EVENT_TIMEOUT_MS = 60_000;

let lib: TestLibrary;
let library: LibraryService;
let watcher: LibraryWatcher | undefined;
let changes: WatchChange[];

beforeEach(() => {
  lib = createTestLibrary();
  changes = [];
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  lib.cleanup();
});

async function startWatcher(options: LibraryWatcherOptions = {}): Promise<LibraryWatcher> {
  watcher = new LibraryWatcher(library, { ...FAST, ...options });
  watcher.on('change', (change) => changes.push(change));
  await watcher.start();
  return watcher;
}

/** Resolves with the first change (already seen or to come) that matches; fails after a bound. */
function changeMatching(match: (change: WatchChange) => boolean, what: string): Promise<WatchChange> {
  const seen = changes.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${what}" within ${EVENT_TIMEOUT_MS} ms; saw ${JSON.stringify(changes)}`)),
      EVENT_TIMEOUT_MS,
    );
    const listener = (change: WatchChange) => {
      if (!match(change)) return;
      clearTimeout(timer);
      watcher!.off('change', listener);
      resolve(change);
    };
    watcher!.on('change', listener);
  });
}
const change = (kind: WatchChange['kind'], file: string) =>
  changeMatching((c) => c.kind === kind && JSON.stringify(c).includes(file), `${kind} ${file}`);

/** Every face: id, photo file name and the name of its person. */
async function faceTable(): Promise<{ id: number; photo: string; person: string | null }[]> {
  return (await library.listFaces())
    .map((face) => ({ id: face.id, photo: path.basename(face.photo), person: face.personName }))
    .sort((a, b) => a.id - b.id);
}

/** Copies a fixture under a new name (writable, unlike the fixture). */
function put(relative: string, target: string): string {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, fs.readFileSync(fixture(relative)));
  return target;
}

/** Indexes crops of Raj and Howard put in `dir` (a library folder or inside one), names both. */
async function libraryWithPeople(dir: string, libraryFolder = dir): Promise<void> {
  for (const n of [1, 2, 3]) {
    put(`people/raj/raj${n}.png`, path.join(dir, `raj${n}.png`));
    put(`people/howard/howard${n}.png`, path.join(dir, `howard${n}.png`));
  }
  library = lib.open({ clock: fixedClock() });
  await library.scan([libraryFolder], { workers: 1, pipeline: DEFAULT_PIPELINE });
  const personOf = async (file: string) =>
    (await library.listFaces()).find((face) => path.basename(face.photo) === file)!.personId!;
  library.people.name(String(await personOf('raj1.png')), 'Raj');
  library.people.name(String(await personOf('howard1.png')), 'Howard');
}

describe('watching a folder', () => {
  it('indexes a new photo once it stops growing, re-analyses a changed one, forgets a deleted one', async () => {
    put('people/amy/amy1.png', path.join(lib.photosDir, 'amy1.png'));
    library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    await startWatcher();

    // Written in two parts with a pause shorter than the settle time: one photo, not a failure.
    const bytes = fs.readFileSync(fixture('people/penny/penny1.png'));
    const target = path.join(lib.photosDir, 'penny1.png');
    fs.writeFileSync(target, bytes.subarray(0, bytes.length >> 1));
    await new Promise((resolve) => setTimeout(resolve, 150));
    fs.appendFileSync(target, bytes.subarray(bytes.length >> 1));
    expect(await change('added', 'penny1.png')).toEqual({ kind: 'added', path: target, faces: 1 });
    expect(changes.filter((c) => c.kind === 'failed')).toEqual([]);
    expect((await library.listPhotos()).map((p) => [path.basename(p.path), p.status, p.faces])).toEqual([
      ['amy1.png', 'indexed', 1],
      ['penny1.png', 'indexed', 1],
    ]);

    // Same name, another photo: a group of five.
    fs.writeFileSync(target, fs.readFileSync(fixture('groups/bbt3.jpg')));
    expect(await change('changed', 'penny1.png')).toEqual({ kind: 'changed', path: target, faces: 5 });

    fs.rmSync(target);
    await change('removed', 'penny1.png');
    expect((await library.listPhotos()).map((p) => path.basename(p.path))).toEqual(['amy1.png']);
    expect((await library.listFaces()).map((face) => path.basename(face.photo))).toEqual(['amy1.png']);

    // A new folder tree appears with a photo deep inside it.
    const deep = put('people/raj/raj2.png', path.join(lib.photosDir, '2026', 'summer', 'raj2.png'));
    expect(await change('added', 'raj2.png')).toEqual({ kind: 'added', path: deep, faces: 1 });
  });

  it('keeps faces, people and decisions through a rename, a move to another folder and a duplicate', async () => {
    const other = path.join(path.dirname(lib.photosDir), 'other');
    fs.mkdirSync(other);
    put('misc/happy.jpg', path.join(other, 'happy.jpg'));
    await libraryWithPeople(lib.photosDir);
    await library.scan([other], { workers: 1, pipeline: DEFAULT_PIPELINE });
    // A decision of the user's on one face: Howard's third crop is given to Raj.
    const howard3 = (await library.listFaces()).find((face) => face.photo.endsWith('howard3.png'))!;
    library.people.move([String(howard3.id)], 'Raj');
    const before = await faceTable();
    await startWatcher();

    // Rename within the folder.
    fs.renameSync(path.join(lib.photosDir, 'raj1.png'), path.join(lib.photosDir, 'raj-birthday.png'));
    await change('moved', 'raj-birthday.png');
    // Move to another library folder, the one with the user's decision on it.
    fs.renameSync(path.join(lib.photosDir, 'howard3.png'), path.join(other, 'howard3.png'));
    await change('moved', path.join(other, 'howard3.png'));

    const rename = (name: string) => (name === 'raj1.png' ? 'raj-birthday.png' : name);
    expect(await faceTable()).toEqual(before.map((face) => ({ ...face, photo: rename(face.photo) })));
    expect((await library.listFaces()).find((face) => face.id === howard3.id)!.photo).toBe(
      path.join(other, 'howard3.png'),
    );
    expect(
      library.people
        .list()
        .map((p) => [p.name, p.faces])
        .filter(([name]) => name),
    ).toEqual([
      ['Howard', 2],
      ['Raj', 4],
    ]);

    // A duplicate (same bytes, second path) is a photo of its own; when the original is then
    // deleted, the original's faces and decisions take the copy's place.
    const original = path.join(lib.photosDir, 'raj2.png');
    const copy = put('people/raj/raj2.png', path.join(other, 'raj2-copy.png'));
    await change('added', 'raj2-copy.png');
    const raj2Face = before.find((face) => face.photo === 'raj2.png')!.id;
    fs.rmSync(original);
    expect(await change('moved', 'raj2-copy.png')).toEqual({ kind: 'moved', from: original, to: copy });
    const afterDuplicate = await library.listFaces();
    expect(afterDuplicate.filter((face) => face.photo === copy).map((face) => face.id)).toEqual([raj2Face]);
    expect(changes.filter((c) => c.kind === 'removed')).toEqual([]);
    expect(await faceTable()).toEqual(
      before.map((face) => ({
        ...face,
        photo: face.photo === 'raj2.png' ? 'raj2-copy.png' : rename(face.photo),
      })),
    );
  });

  it('catches up on start with a folder renamed while not watching, keeping every face', async () => {
    const year = path.join(lib.photosDir, '2019');
    await libraryWithPeople(year, lib.photosDir);
    const before = await faceTable();
    fs.renameSync(year, path.join(lib.photosDir, '2019 trip'));

    await startWatcher();
    // start() returns once the catch-up is applied.
    expect(changes.filter((c) => c.kind === 'moved')).toHaveLength(6);
    expect(changes.filter((c) => c.kind !== 'moved')).toEqual([]);
    expect(await faceTable()).toEqual(before);
    expect(
      (await library.listPhotos()).every((p) => p.path.includes(`${path.sep}2019 trip${path.sep}`)),
    ).toBe(true);
    await watcher!.whenIdle();
    expect(changes.filter((c) => c.kind !== 'moved')).toEqual([]);
  });

  it('keeps an unplugged folder offline with all its photos and people, and catches up when it is back', async () => {
    await libraryWithPeople(lib.photosDir);
    const before = await faceTable();
    await startWatcher();

    const away = `${lib.photosDir}-unplugged`;
    fs.renameSync(lib.photosDir, away);
    await change('offline', lib.photosDir);
    expect(await library.listFolders()).toMatchObject([{ path: lib.photosDir, online: false, photos: 6 }]);
    // While offline: nothing removed, and a photo added on the drive elsewhere.
    put('people/amy/amy1.png', path.join(away, 'amy1.png'));
    fs.rmSync(path.join(away, 'howard2.png'));
    expect(await faceTable()).toEqual(before);

    fs.renameSync(away, lib.photosDir);
    await change('online', lib.photosDir);
    await change('added', 'amy1.png');
    await change('removed', 'howard2.png');
    expect(await faceTable()).toEqual([
      ...before.filter((face) => face.photo !== 'howard2.png'),
      { id: expect.any(Number), photo: 'amy1.png', person: null },
    ]);
    expect(await library.listFolders()).toMatchObject([{ path: lib.photosDir, online: true, photos: 6 }]);
  });

  it('takes a storm of new files (more than it lists one by one) and indexes each exactly once', async () => {
    library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    // Past 5 changed paths the watcher compares the whole folder instead of listing paths.
    await startWatcher({ maxDirtyPaths: 5, workers: 2 });
    const names = ['amy', 'bernadette', 'howard', 'leonard'].flatMap((who) =>
      [1, 2, 3, 4].map((n) => `people/${who}/${who}${n}.png`),
    );
    for (const name of names) put(name, path.join(lib.photosDir, 'import', path.basename(name)));
    for (const name of names) await change('added', path.basename(name));
    await watcher!.whenIdle();
    expect(changes.filter((c) => c.kind === 'added')).toHaveLength(names.length);
    expect(changes.filter((c) => c.kind !== 'added')).toEqual([]);
    expect((await library.listPhotos({ status: 'indexed' })).length).toBe(names.length);
    // Grouped at the end of the storm: four people of four crops each.
    expect(library.people.list().map((p) => p.faces)).toEqual([4, 4, 4, 4]);
  });

  it('polls a folder when told to (network shares) and sees a new photo', async () => {
    library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    await startWatcher({ usePolling: () => true, pollIntervalMs: 100 });
    expect(watcher!.watched()).toEqual([{ path: lib.photosDir, online: true, polling: true }]);
    put('people/amy/amy2.png', path.join(lib.photosDir, 'amy2.png'));
    expect(await change('added', 'amy2.png')).toMatchObject({ faces: 1 });
  });

  it('stands aside while another writer of the process is busy, then applies what it saw', async () => {
    library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    let busy = false;
    let askedWhileBusy = 0;
    let resumeAfterAsks: () => void = () => {};
    const askedSixTimes = new Promise<void>((resolve) => (resumeAfterAsks = resolve));
    await startWatcher({
      isBusy: () => {
        if (busy && ++askedWhileBusy === 6) resumeAfterAsks();
        return busy;
      },
    });

    busy = true;
    const target = put('people/amy/amy1.png', path.join(lib.photosDir, 'amy1.png'));
    // Asked six times (each root check, 200 ms apart, and each retry asks): well past the time the
    // new file takes to settle and be taken when nobody is busy, and the watcher left it alone.
    await askedSixTimes;
    expect(changes).toEqual([]);
    expect(await library.listPhotos()).toEqual([]);

    busy = false;
    expect(await change('added', 'amy1.png')).toEqual({ kind: 'added', path: target, faces: 1 });
  });
});
