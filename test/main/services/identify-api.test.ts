import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentifyResult, LibraryEvent } from '../../../src/common/api';
import { validateArguments } from '../../../src/main/services/api-schemas';
import { fixture, readManifest, tempDir } from '../../support/fixtures';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

/**
 * LibraryApi.identifyPhotos, what the app's Identify dialog calls: the real identify service and
 * models on the fixtures (three photos of each of the eight people known, the group photos
 * unknown), run beside an app library that must come out of it unchanged.
 */
const PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
let scanned: ScannedLibrary;
let work: { dir: string; cleanup: () => void };
let known: string;
const unknown = fixture('groups');
const events: LibraryEvent[] = [];
let result: IdentifyResult;

const tables = () =>
  Object.fromEntries(
    ['folders', 'photos', 'faces', 'people'].map((table) => [
      table,
      (scanned.library.deps.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    ]),
  );
let before: Record<string, number>;

beforeAll(async () => {
  scanned = await scannedLibrary(['misc/landscape_waterfall.jpg']);
  scanned.api.subscribe((event) => events.push(event));
  before = tables();
  work = tempDir('kindred-api-identify-');
  known = path.join(work.dir, 'known');
  for (const person of PEOPLE) {
    fs.mkdirSync(path.join(known, person), { recursive: true });
    for (const n of [1, 2, 3]) {
      fs.copyFileSync(
        fixture(`people/${person}/${person}${n}.png`),
        path.join(known, person, `${person}${n}.png`),
      );
    }
  }
  // Two known photos that cannot name anyone: no face, and a group of several faces.
  fs.mkdirSync(path.join(known, 'nobody'));
  fs.copyFileSync(fixture('misc/landscape_waterfall.jpg'), path.join(known, 'nobody', 'waterfall.jpg'));
  fs.mkdirSync(path.join(known, 'crowd'));
  fs.copyFileSync(fixture('groups/bbt3.jpg'), path.join(known, 'crowd', 'bbt3.jpg'));
  // The temporary library goes under a TMPDIR of this test, so that none is left can be checked
  // without other processes' temporary folders in the way.
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = path.join(work.dir, 'tmp');
  fs.mkdirSync(process.env.TMPDIR);
  try {
    result = await scanned.api.identifyPhotos({
      knownDir: known,
      unknownDir: unknown,
      outDir: path.join(work.dir, 'out'),
    });
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
});
afterAll(() => {
  scanned?.lib.cleanup();
  work?.cleanup();
});

describe('identifyPhotos', () => {
  it('checks the renderer’s argument: three absolute folders and a threshold identify accepts', () => {
    const call = (arg: unknown) => validateArguments('identifyPhotos', [arg]);
    const ok = { knownDir: '/k', unknownDir: '/u', outDir: '/o' };
    expect(() => call({ ...ok, knownDir: 'known' })).toThrow(/knownDir: give the full path/);
    expect(() => call({ ...ok, unknownDir: './u' })).toThrow(/unknownDir: give the full path/);
    expect(() => call({ ...ok, outDir: 'out' })).toThrow(/outDir: give the full path/);
    expect(() => call({ ...ok, outDir: '/o\0x' })).toThrow(/NUL/);
    expect(() => call({ ...ok, knownDir: `/${'x'.repeat(5000)}` })).toThrow(/knownDir/);
    expect(() => call({ ...ok, threshold: 0 })).toThrow(/threshold.*above 0/);
    expect(() => call({ ...ok, threshold: 2.5 })).toThrow(/threshold.*at most 2/);
    expect(() => call({ ...ok, threshold: Number.NaN })).toThrow(/threshold/);
    expect(() => call({ ...ok, library: '/tmp' })).toThrow(/library/);
    expect(() => call({ knownDir: '/k', unknownDir: '/u' })).toThrow(/outDir/);
    expect(call({ ...ok, threshold: 0.5 })).toEqual({ ...ok, threshold: 0.5 });
  });

  it('names the faces of the group photos after the known people, and writes the copies and results.csv', () => {
    const out = fs.realpathSync(path.join(work.dir, 'out'));
    expect(result.outDir).toBe(out);
    expect(result.resultsCsv).toBe(path.join(out, 'results.csv'));
    expect(result.people).toEqual(PEOPLE.map((name) => ({ name, photos: 3 })));
    const groups = readManifest().filter((file) => file.path.startsWith('groups/'));
    expect(new Set(result.faces.map((face) => path.basename(face.photo)))).toEqual(
      new Set(groups.map((file) => path.basename(file.path))),
    );
    // Every labelled person of a group photo is named in it (the CLI's test checks the places).
    for (const file of groups) {
      const names = new Set(
        result.faces
          .filter((face) => path.basename(face.photo) === path.basename(file.path))
          .map((f) => f.name),
      );
      const found = file.identities!.filter((identity) => names.has(identity)).length;
      expect(found, file.path).toBeGreaterThanOrEqual(file.identities!.length - 1);
    }
    for (const face of result.faces) {
      expect(face.distance).toBeGreaterThan(0);
      if (face.name !== 'unknown') expect(face.distance).toBeLessThan(0.6);
    }
    expect(fs.readdirSync(out).sort()).toEqual(
      [...groups.map((file) => path.basename(file.path)).sort(), 'results.csv'].sort(),
    );
    const csv = fs.readFileSync(result.resultsCsv, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('photo,copy,x,y,width,height,name,distance');
    expect(csv).toHaveLength(result.faces.length + 1);
    const named = result.faces.filter((face) => face.name !== 'unknown').length;
    expect(result.message).toBe(
      `Named ${named} of ${result.faces.length} faces after 8 known people; ${result.faces.length - named} unknown. ` +
        `Annotated copies and results.csv are in ${out}.`,
    );
    expect(result.failed).toEqual([]);
  });

  it('reports the known photos it could not use, by name', () => {
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nobody: no face found in .*waterfall\.jpg/),
        expect.stringMatching(/^crowd: \d+ faces found in .*bbt3\.jpg.*alone/),
        expect.stringMatching(/^nobody: no usable photo/),
        expect.stringMatching(/^crowd: no usable photo/),
      ]),
    );
  });

  it('reports progress as events: indexing, then annotating to the last copy', () => {
    const progress = events.filter((event) => event.type === 'identify-progress');
    const indexing = progress.filter((event) => event.phase === 'indexing');
    const annotating = progress.filter((event) => event.phase === 'annotating');
    expect(indexing.length).toBeGreaterThan(0);
    expect(annotating.at(-1)).toEqual({ type: 'identify-progress', phase: 'annotating', done: 5, total: 5 });
    expect(progress.indexOf(indexing.at(-1)!)).toBeLessThan(progress.indexOf(annotating[0]));
  });

  it('leaves the app’s library as it was, and its temporary library behind it nowhere', () => {
    expect(tables()).toEqual(before);
    expect(events.some((event) => event.type === 'library-changed')).toBe(false);
    expect(fs.readdirSync(path.join(work.dir, 'tmp'))).toEqual([]);
  });

  it('runs one identify at a time: a second is refused while the first runs, not after', async () => {
    const small = path.join(work.dir, 'small');
    fs.mkdirSync(path.join(small, 'known', 'amy'), { recursive: true });
    fs.mkdirSync(path.join(small, 'unknown'));
    fs.copyFileSync(fixture('people/amy/amy1.png'), path.join(small, 'known', 'amy', 'amy1.png'));
    fs.copyFileSync(fixture('people/amy/amy4.png'), path.join(small, 'unknown', 'amy4.png'));
    const request = (out: string) => ({
      knownDir: path.join(small, 'known'),
      unknownDir: path.join(small, 'unknown'),
      outDir: path.join(small, out),
    });
    const first = scanned.api.identifyPhotos(request('first'));
    await expect(scanned.api.identifyPhotos(request('second'))).rejects.toThrow(
      'An identify is already running: wait for its results, then run the next.',
    );
    expect((await first).faces.map((face) => face.name)).toEqual(['amy']);
    expect(fs.existsSync(path.join(small, 'second'))).toBe(false);
    expect((await scanned.api.identifyPhotos(request('third'))).faces).toHaveLength(1);
  });

  it('refuses folders that are missing or inside the library’s photo folders, creating nothing', async () => {
    const absent = path.join(work.dir, 'absent');
    await expect(
      scanned.api.identifyPhotos({
        knownDir: absent,
        unknownDir: unknown,
        outDir: path.join(work.dir, 'o1'),
      }),
    ).rejects.toThrow(`Folder not found: ${absent} (the folder of known people)`);
    await expect(
      scanned.api.identifyPhotos({ knownDir: known, unknownDir: absent, outDir: path.join(work.dir, 'o2') }),
    ).rejects.toThrow(/Folder not found: .*absent \(the folder of photos to identify\)/);
    const inside = path.join(scanned.lib.photosDir, 'identified');
    await expect(
      scanned.api.identifyPhotos({ knownDir: known, unknownDir: unknown, outDir: inside }),
    ).rejects.toThrow(/inside .*photos.*Choose an output folder outside it/);
    await expect(
      scanned.api.identifyPhotos({ knownDir: known, unknownDir: unknown, outDir: path.join(known, 'out') }),
    ).rejects.toThrow(/inside .*known/);
    for (const folder of ['o1', 'o2']) expect(fs.existsSync(path.join(work.dir, folder))).toBe(false);
    expect(fs.existsSync(inside)).toBe(false);
    expect(tables()).toEqual(before);
  });
});
