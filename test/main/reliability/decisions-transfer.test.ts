import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceSummary, PersonSummary } from '../../../src/common/api';
import type { DecisionsFile } from '../../../src/main/decisions/format';
import type { ImportReport } from '../../../src/main/decisions/import';
import { kindred } from '../../support/cli';
import { decisionLines } from '../../support/decision-snapshot';
import { fixture, tempDir } from '../../support/fixtures';

/**
 * Decisions made in one library (names, a rejection, a hidden person, a cover, a birth date, a
 * deleted face, a drawn face) are exported, and imported into a fresh scan of the same photos in
 * another folder: every name and decision comes back, and importing again changes nothing.
 */
const PHOTOS = [
  ...['amy', 'howard', 'leonard', 'penny'].flatMap((who) =>
    [1, 2, 3, 4, 5].map((n) => `people/${who}/${who}${n}.png`),
  ),
  'groups/bbt4.jpg',
  'groups/bbt5.jpg',
];

let temp: { dir: string; cleanup: () => void };
const libraryA = () => path.join(temp.dir, 'library-a');
const libraryB = () => path.join(temp.dir, 'library-b');
const exported = () => path.join(temp.dir, 'decisions.json');

function copyPhotos(dir: string, only: (file: string) => boolean = () => true): void {
  for (const file of PHOTOS.filter(only)) {
    const target = path.join(dir, path.dirname(file), path.basename(file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(fixture(file), target);
  }
}

function run(args: string[], library: string): string {
  const result = kindred([...args, '--library', library]);
  expect(result.stderr, args.join(' ')).toBe('');
  expect(result.status, args.join(' ')).toBe(0);
  return result.stdout;
}
const json = <T>(args: string[], library: string) => JSON.parse(run([...args, '--json'], library)) as T;

let before: string[];
let peopleBefore: PersonSummary[];

beforeAll(() => {
  temp = tempDir('kindred-decisions-');
  copyPhotos(path.join(temp.dir, 'photos-a'));
  run(['scan', path.join(temp.dir, 'photos-a'), '--workers', '1'], libraryA());

  const people = json<PersonSummary[]>(['people'], libraryA()).filter((p) => p.faces >= 2);
  expect(people.length).toBeGreaterThanOrEqual(4);
  // Three named; the fourth stays unnamed, to be refused on a face (an unnamed person in the file).
  people.slice(0, 3).forEach((person, i) => run(['name', String(person.id), `Person ${i + 1}`], libraryA()));
  const unnamed = people[3];
  const facesOf = (name: string) => json<FaceSummary[]>(['faces', '--person', name], libraryA());
  const [first, second] = facesOf('Person 1');
  run(['reject', String(first.id)], libraryA());
  run(['cover', 'Person 1', String(second.id)], libraryA());
  run(['hide', 'Person 2'], libraryA());
  run(['birthdate', 'Person 3', '1980-01-02'], libraryA());
  const fourth = facesOf(String(unnamed.id));
  run(['delete-face', String(fourth.at(-1)!.id)], libraryA());
  // A face the detector did not find, drawn by the user in the corner of a group photo.
  run(
    [
      'add-face',
      path.join(temp.dir, 'photos-a', 'groups', 'bbt5.jpg'),
      '--box',
      '10,10,80,80',
      '--person',
      'Person 3',
    ],
    libraryA(),
  );
  run(['reject', String(second.id), '--from', String(unnamed.id)], libraryA());
  before = decisionLines(libraryA());
  peopleBefore = json<PersonSummary[]>(['people', '--all'], libraryA()).filter((p) => p.name !== null);
  run(['decisions', 'export', '--out', exported()], libraryA());
});
afterAll(() => temp?.cleanup());

describe('kindred decisions export', () => {
  it('writes a versioned file with every kind of decision, faces named by photo content and box', () => {
    const file = JSON.parse(fs.readFileSync(exported(), 'utf8')) as DecisionsFile;
    expect(file).toMatchObject({ format: 'kindred-decisions', version: 1 });
    expect(
      file.people
        .filter((p) => p.name !== null)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['Person 1', 'Person 2', 'Person 3']);
    expect(file.people.some((p) => p.name === null)).toBe(true);
    expect(file.people.find((p) => p.name === 'Person 2')!.hidden).toBe(true);
    expect(file.people.find((p) => p.name === 'Person 3')!.birthDate).toBe('1980-01-02');
    expect(file.people.find((p) => p.name === 'Person 1')!.cover).not.toBeNull();
    expect(file.faces.some((f) => f.notPeople.length > 0)).toBe(true);
    expect(file.faces.some((f) => f.source === 'manual')).toBe(true);
    expect(file.deletedFaces).toHaveLength(1);
    for (const face of file.faces) expect(face.photo).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to overwrite a file unless --force', () => {
    const result = kindred(['decisions', 'export', '--out', exported(), '--library', libraryA()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--force');
  });
});

describe('kindred decisions import into a fresh scan of the same photos', () => {
  let first: ImportReport;

  beforeAll(() => {
    copyPhotos(path.join(temp.dir, 'elsewhere'));
    run(['scan', path.join(temp.dir, 'elsewhere'), '--workers', '1'], libraryB());
    first = json<ImportReport>(['decisions', 'import', exported()], libraryB());
  });

  it('restores every name, assignment, rejection, deletion, drawn face, cover, hidden flag and birth date', () => {
    expect(first.unmatched).toEqual([]);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.manualFacesAdded).toBe(1);
    expect(decisionLines(libraryB())).toEqual(before);
    const after = json<PersonSummary[]>(['people', '--all'], libraryB()).filter((p) => p.name !== null);
    const shape = (people: PersonSummary[]) =>
      people
        .map(({ name, faces, photos, hidden, birthDate }) => ({ name, faces, photos, hidden, birthDate }))
        .sort((a, b) => a.name!.localeCompare(b.name!));
    expect(shape(after)).toEqual(shape(peopleBefore));
  });

  it('is idempotent: a second import changes nothing', () => {
    const people = json<PersonSummary[]>(['people', '--all'], libraryB()).length;
    const again = json<ImportReport>(['decisions', 'import', exported()], libraryB());
    expect(again).toMatchObject({ applied: 0, peopleCreated: 0, manualFacesAdded: 0, unmatched: [] });
    expect(again.unchanged).toBe(first.applied + first.unchanged);
    expect(decisionLines(libraryB())).toEqual(before);
    expect(json<PersonSummary[]>(['people', '--all'], libraryB())).toHaveLength(people);
  });

  it('reports what it could not match (photos this library does not have)', () => {
    const partial = path.join(temp.dir, 'library-c');
    copyPhotos(path.join(temp.dir, 'only-crops'), (file) => file.startsWith('people/'));
    run(['scan', path.join(temp.dir, 'only-crops'), '--workers', '1'], partial);
    const report = json<ImportReport>(['decisions', 'import', exported()], partial);
    expect(report.unmatched.length).toBeGreaterThan(0);
    for (const line of report.unmatched) expect(line).toMatch(/bbt[45]\.jpg.*not in this library|cover of/);
    expect(report.applied).toBeGreaterThan(0);
  });

  it('refuses a file that is not a decisions file, naming it', () => {
    const bogus = path.join(temp.dir, 'bogus.json');
    fs.writeFileSync(bogus, JSON.stringify({ format: 'kindred-decisions', version: 99 }));
    const result = kindred(['decisions', 'import', bogus, '--library', libraryB()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(bogus);
    expect(result.stderr).toContain('version 99');
  });
});
