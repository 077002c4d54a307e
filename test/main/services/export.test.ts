import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryEvent } from '../../../src/common/api';
import { validateArguments } from '../../../src/main/services/api-schemas';
import { tempDir } from '../../support/fixtures';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

/** LibraryApi.exportPhotos, what the app's Export dialog calls, over a scanned library. */
let scanned: ScannedLibrary;
let out: { dir: string; cleanup: () => void };
const events: LibraryEvent[] = [];

beforeAll(async () => {
  scanned = await scannedLibrary(['groups/bbt3.jpg', 'misc/landscape_waterfall.jpg']);
  scanned.api.subscribe((event) => events.push(event));
  out = tempDir('kindred-api-export-');
});
afterAll(() => {
  scanned?.lib.cleanup();
  out?.cleanup();
});

describe('exportPhotos', () => {
  it('checks the renderer’s argument: an absolute folder, known options, sane numbers', () => {
    const call = (arg: unknown) => validateArguments('exportPhotos', [arg]);
    expect(() => call({ outDir: 'relative/dir' })).toThrow(/outDir: give the full path/);
    expect(() => call({ outDir: '/tmp/x', quality: 0 })).toThrow(/quality/);
    expect(() => call({ outDir: '/tmp/x', maxSize: 10 })).toThrow(/maxSize/);
    expect(() => call({ outDir: '/tmp/x', path: '/etc' })).toThrow(/path/);
    expect(() => call({ outDir: '/tmp/x\0y' })).toThrow(/NUL/);
    expect(call({ outDir: '/tmp/x', photoIds: [1], unnamed: true, csv: true })).toEqual({
      outDir: '/tmp/x',
      photoIds: [1],
      unnamed: true,
      csv: true,
    });
  });

  it('writes the copies, creates the folder, and reports progress as events', async () => {
    const target = path.join(out.dir, 'new', 'folder');
    const result = await scanned.api.exportPhotos({ outDir: target, unnamed: true, json: true });
    expect(result.outDir).toBe(fs.realpathSync(target));
    expect(result.files.map((file) => path.basename(file))).toEqual(['bbt3.jpg']);
    expect(result.faces).toBe(5);
    expect(result.lists).toEqual([path.join(result.outDir, 'faces.json')]);
    expect(result.message).toMatch(/^Exported 1 photo \(5 faces labelled\)/);
    const progress = events.filter((event) => event.type === 'export-progress');
    expect(progress.at(-1)).toEqual({ type: 'export-progress', done: 1, total: 1 });
  });

  it('exports nothing but says so when no face has a name, and the landscape only when asked for', async () => {
    const none = await scanned.api.exportPhotos({ outDir: path.join(out.dir, 'none') });
    expect(none.files).toEqual([]);
    const landscape = (await scanned.api.listPhotos()).find((photo) => photo.path.endsWith('waterfall.jpg'))!;
    const one = await scanned.api.exportPhotos({
      outDir: path.join(out.dir, 'one'),
      photoIds: [landscape.id],
    });
    expect(one.files.map((file) => path.basename(file))).toEqual(['landscape_waterfall.jpg']);
    expect(one.faces).toBe(0);
  });

  it('refuses a folder inside the library’s photo folders, and a photo that is not there', async () => {
    await expect(
      scanned.api.exportPhotos({ outDir: path.join(scanned.lib.photosDir, 'copies') }),
    ).rejects.toThrow(/inside .* Choose an output folder outside it/);
    expect(fs.existsSync(path.join(scanned.lib.photosDir, 'copies'))).toBe(false);
    await expect(
      scanned.api.exportPhotos({ outDir: path.join(out.dir, 'x'), photoIds: [987654] }),
    ).rejects.toThrow(/No photo #987654/);
  });
});
