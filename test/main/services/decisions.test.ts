import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceSummary, PersonSummary } from '../../../src/common/api';
import type { LibraryService } from '../../../src/main/services/library';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { kindred } from '../../support/cli';
import { readManifest } from '../../support/fixtures';
import { createTestLibrary, type TestLibrary } from '../../support/library';

/**
 * Nothing the user decided is ever lost (issue "People", section 4): every kind of decision,
 * then a regroup from scratch, a rescan that re-analyses the photos involved, and a new process.
 */
let lib: TestLibrary;
let library: LibraryService;
const scanOptions = { workers: 2, pipeline: DEFAULT_PIPELINE };

const faceOf = async (file: string): Promise<FaceSummary> => {
  const faces = (await library.listFaces()).filter((face) => path.basename(face.photo) === file);
  expect(faces).toHaveLength(1);
  return faces[0];
};
const personOf = async (file: string) => (await faceOf(file)).personId!;

beforeAll(async () => {
  lib = createTestLibrary();
  const crops = readManifest().filter((file) => file.path.startsWith('people/'));
  lib.addPhotos(crops.map((file) => file.path));
  library = lib.open();
  await library.scan([lib.photosDir], scanOptions);
});
afterAll(() => lib.cleanup());

describe('user decisions', () => {
  it('all hold after cluster --full, a rescan and a re-open by a new process', async () => {
    expect(library.people.list()).toHaveLength(8);

    // 1. Name two people.
    const amy = await personOf('amy1.png');
    const sheldon = await personOf('sheldon1.png');
    library.people.name(String(amy), 'Amy');
    library.people.name(String(sheldon), 'Sheldon');
    // 2. Merge two clusters (the user knows better: here, wrongly, but it is their call).
    const howard = await personOf('howard1.png');
    const stuart = await personOf('stuart1.png');
    library.people.merge([String(stuart)], String(howard));
    // 3. Move a face.
    const movedFace = (await faceOf('raj3.png')).id;
    library.people.move([String(movedFace)], 'Amy');
    // 4. Reject a face.
    const rejectedFace = (await faceOf('sheldon3.png')).id;
    library.people.reject([String(rejectedFace)], 'Sheldon');
    // 5. Hide a person.
    const penny = await personOf('penny1.png');
    library.people.setHidden(String(penny), true);
    // 6. A cover and a birth date.
    const cover = (await faceOf('amy2.png')).id;
    library.people.setCover('Amy', String(cover));
    library.people.setBirthDate('Sheldon', '1980-02-26');

    const check = async (stage: string) => {
      const people = Object.fromEntries(library.people.list(true).map((p) => [p.id, p]));
      const membersOf = async (personId: number) =>
        (await library.listFaces({ personId })).map((face) => path.basename(face.photo)).sort();
      expect(people[amy], stage).toMatchObject({ name: 'Amy', coverFaceId: (await faceOf('amy2.png')).id });
      expect(await membersOf(amy), stage).toEqual([
        'amy1.png',
        'amy2.png',
        'amy3.png',
        'amy4.png',
        'amy5.png',
        'raj3.png',
      ]);
      expect(people[sheldon], stage).toMatchObject({ name: 'Sheldon', birthDate: '1980-02-26' });
      expect(await membersOf(sheldon), stage).not.toContain('sheldon3.png');
      expect((await faceOf('sheldon3.png')).personId, stage).not.toBe(sheldon);
      expect(people[stuart], stage).toBeUndefined();
      expect(await membersOf(howard), stage).toEqual([
        ...['howard1.png', 'howard2.png', 'howard3.png', 'howard4.png', 'howard5.png'],
        ...['stuart1.png', 'stuart2.png', 'stuart3.png', 'stuart4.png', 'stuart5.png'],
      ]);
      expect(people[penny], stage).toMatchObject({ hidden: true });
      expect(
        library.people.list(false).map((p) => p.id),
        stage,
      ).not.toContain(penny);
      expect(await membersOf(penny), stage).toEqual([
        'penny1.png',
        'penny2.png',
        'penny3.png',
        'penny4.png',
        'penny5.png',
      ]);
    };
    await check('right after the decisions');

    library.people.group('full');
    await check('after cluster --full');

    // Rescan with the photos behind the cover, the moved and the rejected face changed on disk:
    // they are analysed again and get new face rows, which must inherit every decision.
    const later = new Date(Date.now() + 60_000);
    for (const file of ['amy2.png', 'raj3.png', 'sheldon3.png'])
      fs.utimesSync(path.join(lib.photosDir, file), later, later);
    const rescan = await library.scan([lib.photosDir], scanOptions);
    expect(rescan.indexed).toBe(3);
    expect((await faceOf('amy2.png')).id).not.toBe(cover);
    await check('after a rescan');

    library.close();
    const people = JSON.parse(
      kindred(['people', '--json', '--all', '--library', lib.dir]).stdout,
    ) as PersonSummary[];
    expect(people.find((p) => p.id === amy)).toMatchObject({ name: 'Amy', faces: 6 });
    expect(people.find((p) => p.id === sheldon)).toMatchObject({ name: 'Sheldon', birthDate: '1980-02-26' });
    expect(people.find((p) => p.id === penny)).toMatchObject({ hidden: true, faces: 5 });
    expect(people.find((p) => p.id === howard)).toMatchObject({ faces: 10 });
    const visible = JSON.parse(kindred(['people', '--json', '--library', lib.dir]).stdout) as PersonSummary[];
    expect(visible.map((p) => p.id)).not.toContain(penny);
    const sheldonFaces = JSON.parse(
      kindred(['faces', '--json', '--person', 'Sheldon', '--library', lib.dir]).stdout,
    );
    expect((sheldonFaces as FaceSummary[]).map((f) => path.basename(f.photo))).not.toContain('sheldon3.png');
    library = lib.open();
  });
});
