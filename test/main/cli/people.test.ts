import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FaceSummary,
  PersonSummary,
  PhotoSummary,
  Suggestion,
  Verification,
} from '../../../src/common/api';
import { kindred } from '../../support/cli';
import { fixture, readManifest } from '../../support/fixtures';
import { createTestLibrary, type TestLibrary } from '../../support/library';

let lib: TestLibrary;
const at = () => ['--library', lib.dir];
const json = <T>(args: string[]): T => {
  const result = kindred([...args, '--json', ...at()]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as T;
};
const ok = (args: string[]) => {
  const result = kindred([...args, ...at()]);
  expect(result.stderr, args.join(' ')).toBe('');
  expect(result.status, args.join(' ')).toBe(0);
  return result.stdout;
};
const faces = (...args: string[]) => json<FaceSummary[]>(['faces', ...args]);
const faceIn = (file: string) => faces().find((face) => path.basename(face.photo) === file)!;

beforeAll(() => {
  lib = createTestLibrary();
  const crops = readManifest().filter((file) => file.path.startsWith('people/'));
  lib.addPhotos(
    crops.map((file) => file.path),
    path.join(lib.photosDir, 'crops'),
  );
  ok(['scan', path.join(lib.photosDir, 'crops')]);
});
afterAll(() => lib.cleanup());

describe('people from the 40 crops', () => {
  it('are exactly 8, one per person, 5 faces each', () => {
    const people = json<PersonSummary[]>(['people']);
    expect(people).toHaveLength(8);
    for (const person of people) {
      expect(person).toMatchObject({ name: null, faces: 5, photos: 5, hidden: false, birthDate: null });
      const members = faces('--person', String(person.id)).map((face) =>
        path.basename(path.dirname(face.photo)),
      );
      expect(members).toHaveLength(5);
      const names = new Set(
        faces('--person', String(person.id)).map((face) => path.basename(face.photo).replace(/\d\.png$/, '')),
      );
      expect(names.size).toBe(1);
      expect(person.coverFaceId).not.toBeNull();
    }
  });
});

describe('naming, then recognising', () => {
  it('names a person, and the name is given to their faces in group photos scanned later', () => {
    const sheldon = faceIn('sheldon1.png').personId!;
    expect(ok(['name', String(sheldon), 'Sheldon'])).toMatch(/Named person #\d+ "Sheldon"/);
    lib.addPhotos(['groups/bbt3.jpg', 'groups/bbt5.jpg'], path.join(lib.photosDir, 'groups'));
    ok(['scan', path.join(lib.photosDir, 'groups')]);
    const inGroups = faces('--person', 'Sheldon').filter((face) => face.photo.includes('/groups/'));
    // bbt3: Sheldon is the leftmost of 5; bbt5: the middle one of 5 (manifest, left to right).
    expect(inGroups.map((face) => path.basename(face.photo)).sort()).toEqual(['bbt3.jpg', 'bbt5.jpg']);
    const bbt3 = faces()
      .filter((face) => face.photo.endsWith('bbt3.jpg'))
      .sort((a, b) => a.box.x - b.box.x);
    expect(bbt3[0].personName).toBe('Sheldon');
    const photos = json<PhotoSummary[]>(['photos', '--person', 'Sheldon']);
    expect(photos.map((photo) => path.basename(photo.path)).sort()).toEqual([
      'bbt3.jpg',
      'bbt5.jpg',
      ...['sheldon1.png', 'sheldon2.png', 'sheldon3.png', 'sheldon4.png', 'sheldon5.png'],
    ]);
  });

  it('refuses a name another person has, pointing to merge', () => {
    const penny = faceIn('penny1.png').personId!;
    const result = kindred(['name', String(penny), 'Sheldon', ...at()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/already the name of person #\d+.*kindred merge/);
  });

  it('finds photos with all of several people, or any of them', () => {
    const raj = faceIn('raj1.png').personId!;
    ok(['name', String(raj), 'Raj']);
    const both = json<PhotoSummary[]>(['photos', '--person', 'Sheldon', '--person', 'Raj']);
    expect(both.map((photo) => path.basename(photo.path)).sort()).toEqual(['bbt3.jpg', 'bbt5.jpg']);
    const either = json<PhotoSummary[]>(['photos', '--person', 'Sheldon', '--person', 'Raj', '--any']);
    expect(either).toHaveLength(12);
  });
});

describe('corrections', () => {
  it('reject removes a face from a person for good, and cluster --full does not bring it back', () => {
    const face = faceIn('raj2.png');
    expect(ok(['reject', String(face.id)])).toMatch(new RegExp(`Face ${face.id} is not "Raj"`));
    expect(faceIn('raj2.png').personId).toBeNull();
    ok(['cluster', '--full']);
    expect(faceIn('raj2.png').personName).not.toBe('Raj');
    // It was left with nobody: it can be suggested to nobody but Raj, who is ruled out.
    expect(json<Suggestion[]>(['review']).find((s) => s.faceId === face.id)).toBeUndefined();
  });

  it('move to a new name makes that person; unassign leaves a face with nobody', () => {
    const face = faceIn('howard1.png');
    expect(ok(['move', String(face.id), '--to', 'Howard W.'])).toMatch(/to new person "Howard W\."/);
    expect(faceIn('howard1.png').personName).toBe('Howard W.');
    ok(['unassign', String(face.id)]);
    expect(faceIn('howard1.png').personId).toBeNull();
    ok(['cluster', '--full']);
    expect(faceIn('howard1.png').personId).toBeNull();
  });

  it('merge joins people; hide keeps a person out of the list unless --all', () => {
    const amy = faceIn('amy1.png').personId!;
    const bernadette = faceIn('bernadette1.png').personId!;
    expect(ok(['merge', String(bernadette), '--into', String(amy)])).toMatch(
      /Merged person #\d+ into person #\d+ \(5 faces moved\)/,
    );
    expect(faces('--person', String(amy))).toHaveLength(10);
    ok(['hide', String(amy)]);
    expect(json<PersonSummary[]>(['people']).map((p) => p.id)).not.toContain(amy);
    expect(json<PersonSummary[]>(['people', '--all']).find((p) => p.id === amy)).toMatchObject({
      hidden: true,
    });
    ok(['unhide', String(amy)]);
    expect(json<PersonSummary[]>(['people']).map((p) => p.id)).toContain(amy);
  });

  it('cover must be one of the person’s faces; birthdate must be a real date', () => {
    const leonard = faceIn('leonard1.png');
    const other = faceIn('penny2.png');
    const wrong = kindred(['cover', String(leonard.personId), String(other.id), ...at()]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/not one of .* faces/);
    ok(['cover', String(leonard.personId), String(faceIn('leonard3.png').id)]);
    expect(json<PersonSummary[]>(['people']).find((p) => p.id === leonard.personId)!.coverFaceId).toBe(
      faceIn('leonard3.png').id,
    );
    const badDate = kindred(['birthdate', 'Sheldon', '1980-02-30', ...at()]);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toMatch(/not a date: use YYYY-MM-DD/);
    expect(ok(['birthdate', 'Sheldon', '1980-02-26'])).toMatch(
      /Birth date of "Sheldon" \(#\d+\) set to 1980-02-26/,
    );
  });

  it('an unknown person or face is a clear error, exit code 2', () => {
    const person = kindred(['hide', 'Nobody At All', ...at()]);
    expect(person.status).toBe(2);
    expect(person.stderr).toMatch(/No person with id or name "Nobody At All"/);
    const face = kindred(['unassign', '999999', ...at()]);
    expect(face.status).toBe(2);
    expect(face.stderr).toMatch(/No face with id "999999"/);
  });
});

describe('faces the detector got wrong', () => {
  it('delete-face removes a detection for good: a re-analysis of the photo does not bring it back', () => {
    const face = faceIn('stuart1.png');
    expect(ok(['delete-face', String(face.id)])).toMatch(/will not come back/);
    const file = path.join(lib.photosDir, 'crops', 'stuart1.png');
    const later = new Date(Date.now() + 120_000);
    fs.utimesSync(file, later, later);
    expect(ok(['scan', path.join(lib.photosDir, 'crops')])).toMatch(/ 1 indexed, 0 failed/);
    expect(faces().filter((f) => f.photo === file)).toHaveLength(0);
  });

  it('add-face embeds a face drawn by hand and gives it to the person named', () => {
    const file = path.join(lib.photosDir, 'crops', 'stuart1.png');
    const out = ok([
      'add-face',
      file,
      '--box',
      '19,0,114,140',
      '--person',
      String(faceIn('stuart2.png').personId),
    ]);
    expect(out).toMatch(/Added face \d+ to .*stuart1\.png as person #\d+/);
    const added = faces().filter((f) => f.photo === file);
    expect(added).toHaveLength(1);
    expect(added[0].personId).toBe(faceIn('stuart2.png').personId);
    const withEmbedding = json<FaceSummary[]>([
      'faces',
      '--embeddings',
      '--person',
      String(added[0].personId),
    ]);
    expect(withEmbedding.find((f) => f.id === added[0].id)!.embedding).toHaveLength(128);
  });

  it('add-face refuses a box outside the photo', () => {
    const file = path.join(lib.photosDir, 'crops', 'stuart1.png');
    const result = kindred(['add-face', file, '--box', '100,100,200,200', ...at()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/does not fit inside the 150×150 photo/);
  });
});

describe('kindred verify', () => {
  it('says same for two photos of one person and different for two people', () => {
    const same = JSON.parse(
      kindred(['verify', fixture('people/amy/amy1.png'), fixture('people/amy/amy3.png'), '--json']).stdout,
    ) as Verification;
    expect(same.same).toBe(true);
    expect(same.distance).toBeLessThan(same.threshold);
    expect(Object.keys(same).sort()).toEqual(['distance', 'same', 'threshold']);
    const different = JSON.parse(
      kindred(['verify', fixture('people/amy/amy1.png'), fixture('people/raj/raj1.png'), '--json']).stdout,
    ) as Verification;
    expect(different.same).toBe(false);
    expect(different.threshold).toBe(same.threshold);
  });

  it('is a clear error naming the file when an image has no face', () => {
    const result = kindred(['verify', fixture('misc/white.png'), fixture('people/amy/amy1.png')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/No face found in .*white\.png/);
  });
});
