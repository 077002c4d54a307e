import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceSummary, PhotoSummary } from '../../../src/common/api';
import { KINDRED_BIN, kindred } from '../../support/cli';
import { createTestLibrary, type TestLibrary } from '../../support/library';

let lib: TestLibrary;
let scan: ReturnType<typeof kindred>;

beforeAll(() => {
  lib = createTestLibrary();
  lib.addPhotos(['misc/curie_exif6.jpg', 'misc/white.png', 'groups/bbt2.jpg']);
  fs.writeFileSync(path.join(lib.photosDir, 'empty.jpg'), '');
  scan = kindred(['scan', lib.photosDir, '--library', lib.dir, '--workers', '2']);
});
afterAll(() => lib.cleanup());

describe('kindred scan', () => {
  it('exits 0 in a pipe with one summary line that ends with the counts and how to list failures', () => {
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(0);
    const lines = scan.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /3 indexed, 1 failed; list the failures with: kindred photos --status error --library "[^"]+"$/,
    );
  });

  it('is a clear error with exit code 2 for a missing folder', () => {
    const result = kindred(['scan', path.join(lib.photosDir, 'nope'), '--library', lib.dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/folder not found: .*nope/);
  });

  it('is a clear error with exit code 2 for a library that cannot be written', () => {
    const aFile = path.join(lib.photosDir, 'white.png');
    const result = kindred(['scan', lib.photosDir, '--library', path.join(aFile, 'library')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Cannot use .*white\.png.*library as the library folder.*--library DIR/);
  });

  it('rejects a bad --workers value with exit code 2', () => {
    const result = kindred(['scan', lib.photosDir, '--library', lib.dir, '--workers', 'many']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--workers must be a whole number/);
  });

  it('ends quietly with exit 0 when the reader of its output stops early (a pipe into head)', () => {
    // `true` exits at once, long before kindred writes its list, so the write meets a closed pipe.
    const piped = spawnSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        `"${process.execPath}" "${KINDRED_BIN}" photos --json --library "${lib.dir}" | true`,
      ],
      { encoding: 'utf8', env: { ...process.env, KINDRED_LIBRARY: '' }, timeout: 120_000 },
    );
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(0);
  });

  it('finds the library through KINDRED_LIBRARY when --library is not given', () => {
    const result = kindred(['photos', '--json'], { KINDRED_LIBRARY: lib.dir });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(4);
  });
});

describe('kindred photos', () => {
  it('prints one JSON object per photo with the documented fields', () => {
    const result = kindred(['photos', '--json', '--library', lib.dir]);
    expect(result.status).toBe(0);
    const photos = JSON.parse(result.stdout) as PhotoSummary[];
    const byName = Object.fromEntries(photos.map((p) => [path.basename(p.path), p]));
    for (const photo of photos) {
      expect(Object.keys(photo).sort()).toEqual([
        'error',
        'faces',
        'height',
        'id',
        'path',
        'status',
        'takenAt',
        'width',
      ]);
      expect(path.isAbsolute(photo.path)).toBe(true);
    }
    // Upright size: the stored pixels are 700×840, EXIF orientation 6 turns them.
    expect(byName['curie_exif6.jpg']).toMatchObject({
      width: 840,
      height: 700,
      status: 'indexed',
      faces: 2,
      error: null,
    });
    expect(byName['white.png']).toMatchObject({ faces: 0, status: 'indexed' });
    expect(byName['empty.jpg']).toMatchObject({ status: 'error', faces: 0, width: null });
    expect(byName['empty.jpg'].error).toMatch(/empty/);
  });

  it('filters by status', () => {
    const result = kindred(['photos', '--json', '--status', 'error', '--library', lib.dir]);
    expect((JSON.parse(result.stdout) as PhotoSummary[]).map((p) => path.basename(p.path))).toEqual([
      'empty.jpg',
    ]);
  });

  it('rejects an unknown status with exit code 2', () => {
    const result = kindred(['photos', '--status', 'lost', '--library', lib.dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/lost/);
  });

  it('prints a readable table without --json', () => {
    const result = kindred(['photos', '--library', lib.dir]);
    expect(result.stdout.split('\n')[0]).toMatch(/^id\s+status\s+faces\s+size\s+taken\s+path\s+error$/);
    expect(result.stdout).toContain('840×700');
  });
});

describe('kindred faces', () => {
  it('prints one JSON object per face, with embeddings only when asked', () => {
    const plain = JSON.parse(kindred(['faces', '--json', '--library', lib.dir]).stdout) as FaceSummary[];
    expect(plain).toHaveLength(5);
    for (const face of plain) {
      expect(Object.keys(face).sort()).toEqual(['box', 'id', 'personId', 'personName', 'photo', 'score']);
      expect(Object.keys(face.box).sort()).toEqual(['height', 'width', 'x', 'y']);
      expect(path.isAbsolute(face.photo)).toBe(true);
    }
    // curie_exif6.jpg carries MWG face regions that name both its faces (docs/xmp.md); no other
    // face belongs to anyone.
    const named = plain.filter((face) => face.personId !== null);
    expect(named.map((face) => [path.basename(face.photo), face.personName]).sort()).toEqual([
      ['curie_exif6.jpg', 'Marie Curie'],
      ['curie_exif6.jpg', 'Pierre Curie'],
    ]);
    expect(plain.filter((face) => face.personName === null)).toHaveLength(3);
    const withEmbeddings = JSON.parse(
      kindred(['faces', '--json', '--embeddings', '--library', lib.dir]).stdout,
    ) as FaceSummary[];
    expect(withEmbeddings.map((face) => face.embedding?.length)).toEqual([128, 128, 128, 128, 128]);
    expect(withEmbeddings.every((face) => face.embedding!.every(Number.isFinite))).toBe(true);
  });
});

describe('kindred --help', () => {
  it('lists the commands', () => {
    const result = kindred(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/scan .*<folder\.\.\.>/);
    expect(result.stdout).toMatch(/photos/);
    expect(result.stdout).toMatch(/faces/);
  });
});
