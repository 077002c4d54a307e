/** A sidecar that appears beside a watched photo applies its face regions (real chokidar, models, SQLite). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { faceRegionsXmp } from '../../../src/main/interchange/xmp-write';
import type { LibraryService } from '../../../src/main/services/library';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { LibraryWatcher, type WatchChange } from '../../../src/main/watcher/library-watcher';
import { createTestLibrary, fixedClock, type TestLibrary } from '../../support/library';

const EVENT_TIMEOUT_MS = 60_000;

let lib: TestLibrary;
let watcher: LibraryWatcher | undefined;
beforeEach(() => {
  lib = createTestLibrary();
});
afterEach(async () => {
  await watcher?.close();
  lib.cleanup();
});

function nextChange(on: LibraryWatcher, match: (change: WatchChange) => boolean): Promise<WatchChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching change in time')), EVENT_TIMEOUT_MS);
    on.on('change', (change) => {
      if (!match(change)) return;
      clearTimeout(timer);
      resolve(change);
    });
  });
}

it('a sidecar written beside a watched photo names its faces; the photo is analysed again', async () => {
  const [photo] = lib.addPhotos(['misc/curie_upright.jpg']);
  execFileSync('exiftool', ['-q', '-overwrite_original', '-XMP:all=', photo]);
  const library: LibraryService = lib.open({ clock: fixedClock() });
  await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
  expect((await library.listFaces()).map((face) => face.personName)).toEqual([null, null]);

  watcher = new LibraryWatcher(library, { workers: 1, settleMs: 300, debounceMs: 50, rootCheckMs: 200 });
  await watcher.start();
  await watcher.whenIdle();
  const changed = nextChange(watcher, (change) => change.kind === 'changed');
  // Upright Marie at centre (0.37, 0.31), 0.11×0.20: the same regions as the fixture's own.
  fs.writeFileSync(
    path.join(lib.photosDir, 'curie_upright.xmp'),
    faceRegionsXmp(
      [
        { name: 'Marie Curie', box: { x: 0.315, y: 0.21, width: 0.11, height: 0.2 } },
        { name: 'Pierre Curie', box: { x: 0.64, y: 0.12, width: 0.1, height: 0.24 } },
      ],
      { width: 840, height: 700 },
    ),
  );
  expect(await changed).toEqual({ kind: 'changed', path: photo, faces: 2 });
  await watcher.whenIdle();
  const names = (await library.listFaces()).sort((a, b) => a.box.x - b.box.x).map((face) => face.personName);
  expect(names).toEqual(['Marie Curie', 'Pierre Curie']);
});
