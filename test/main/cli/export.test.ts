import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box, FaceSummary, PersonSummary, PhotoSummary } from '../../../src/common/api';
import { intersectionOverUnion } from '../../../src/main/vision/nms';
import { KINDRED_BIN, kindred } from '../../support/cli';
import { fixture, readManifest, tempDir } from '../../support/fixtures';
import { createTestLibrary, type TestLibrary } from '../../support/library';

/**
 * kindred identify and kindred export on the fixtures, run as a user would. identify --library
 * names the 8 people in the library (from the first three crops of each), then export draws them.
 */
let lib: TestLibrary;
let out: { dir: string; cleanup: () => void };
const PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const at = () => ['--library', lib.dir];
const run = (args: string[]) => kindred([...args, ...at()]);
const ok = (args: string[]) => {
  const result = run(args);
  expect(result.status, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
};
const json = <T>(args: string[]): T => JSON.parse(ok([...args, '--json']).stdout) as T;
const jpegs = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.jpg'))
    .sort();
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const originals = () =>
  ['groups', 'misc', 'other'].flatMap((folder) =>
    fs.readdirSync(path.join(lib.photosDir, folder)).map((name) => path.join(lib.photosDir, folder, name)),
  );
let hashesBefore: Map<string, string>;
let identifyJson: {
  results: { photo: string; box: { x: number; y: number }; name: string }[];
  people: unknown[];
};

/** Parses results.csv as written (no field in these fixtures needs quoting). */
function readCsv(file: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\r\n');
  const keys = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, index) => [keys[index], value])));
}

beforeAll(() => {
  lib = createTestLibrary();
  out = tempDir('kindred-export-out-');
  for (const person of PEOPLE) {
    lib.addPhotos(
      [1, 2, 3].map((n) => `people/${person}/${person}${n}.png`),
      path.join(lib.photosDir, 'known', person),
    );
  }
  lib.addPhotos(
    readManifest()
      .filter((file) => file.path.startsWith('groups/'))
      .map((file) => file.path),
    path.join(lib.photosDir, 'groups'),
  );
  // The Curie photo stored on its side (Orientation 6), given a capture date and a camera.
  const [curie] = lib.addPhotos(['misc/curie_exif6.jpg'], path.join(lib.photosDir, 'misc'));
  execFileSync('exiftool', [
    '-q',
    '-overwrite_original',
    '-DateTimeOriginal=2001:02:03 04:05:06',
    '-Make=Canon',
    '-Model=Canon EOS 5D',
    curie,
  ]);
  // Another photo called bbt4.jpg, in another folder.
  fs.mkdirSync(path.join(lib.photosDir, 'other'));
  fs.copyFileSync(fixture('misc/happy.jpg'), path.join(lib.photosDir, 'other', 'bbt4.jpg'));
  hashesBefore = new Map(originals().map((file) => [file, sha(file)]));

  identifyJson = JSON.parse(
    ok([
      'identify',
      '--known',
      path.join(lib.photosDir, 'known'),
      '--unknown',
      path.join(lib.photosDir, 'groups'),
      '--out',
      path.join(out.dir, 'identified'),
      '--json',
    ]).stdout,
  );
  ok(['scan', path.join(lib.photosDir, 'misc'), path.join(lib.photosDir, 'other')]);
});
afterAll(() => {
  lib?.cleanup();
  out?.cleanup();
});

describe('kindred identify', () => {
  it('names at least 18 of the 22 labelled faces of the group photos as the manifest does, left to right', () => {
    const rows = readCsv(path.join(out.dir, 'identified', 'results.csv'));
    expect(rows.length).toBe(identifyJson.results.length);
    let right = 0;
    let labelled = 0;
    for (const file of readManifest().filter((entry) => entry.path.startsWith('groups/'))) {
      const faces = rows
        .filter((row) => path.basename(row.photo) === path.basename(file.path))
        .map((row) => ({ x: Number(row.x), y: Number(row.y), h: Number(row.height), name: row.name }));
      // bbt4 is listed back row first (the three higher faces), then the front row.
      const rowsOf =
        path.basename(file.path) === 'bbt4.jpg'
          ? [...faces]
              .sort((a, b) => a.y - b.y)
              .reduce<(typeof faces)[]>(
                (groups, face, index) => (groups[index < 3 ? 0 : 1].push(face), groups),
                [[], []],
              )
          : [faces];
      let ordered = rowsOf.flatMap((group) => [...group].sort((a, b) => a.x - b.x));
      // bbt2's unlabelled man is at the far left edge: the leftmost extra faces are his.
      ordered = ordered.slice(Math.max(0, ordered.length - file.identities!.length));
      file.identities!.forEach((identity, index) => {
        labelled++;
        if (ordered[index]?.name === identity) right++;
      });
    }
    expect(labelled).toBe(22);
    expect(right).toBeGreaterThanOrEqual(18);
  });

  it('writes an annotated copy of each unknown photo, and names the known people in the --library', () => {
    expect(jpegs(path.join(out.dir, 'identified'))).toEqual([
      'bbt1.jpg',
      'bbt2.jpg',
      'bbt3.jpg',
      'bbt4.jpg',
      'bbt5.jpg',
    ]);
    expect(identifyJson.people).toHaveLength(8);
    const named = json<PersonSummary[]>(['people'])
      .map((person) => person.name)
      .filter((name) => name !== null)
      .sort();
    // The Curie photo names its two people from its own XMP face regions.
    expect(named).toEqual(['Marie Curie', 'Pierre Curie', ...PEOPLE].sort());
  });

  it('reports a known photo with no face or several faces by name, and uses no library unless asked', () => {
    const temp = tempDir('kindred-identify-small-');
    try {
      const known = path.join(temp.dir, 'known');
      const unknown = path.join(temp.dir, 'unknown');
      fs.mkdirSync(known);
      fs.mkdirSync(unknown);
      fs.copyFileSync(fixture('misc/dogs.jpg'), path.join(known, 'Rex.jpg'));
      fs.copyFileSync(fixture('groups/bbt5.jpg'), path.join(known, 'Gang_2.jpg'));
      fs.copyFileSync(fixture('people/sheldon/sheldon1.png'), path.join(known, 'Sheldon.png'));
      fs.copyFileSync(fixture('groups/bbt3.jpg'), path.join(unknown, 'party.jpg'));
      const envLibrary = path.join(temp.dir, 'env-library');
      const result = kindred(
        ['identify', '--known', known, '--unknown', unknown, '--out', path.join(temp.dir, 'out')],
        { KINDRED_LIBRARY: envLibrary },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/Rex: no face found in .*Rex\.jpg/);
      expect(result.stderr).toMatch(/Gang: \d+ faces found in .*Gang_2\.jpg/);
      expect(result.stdout).toMatch(/against 1 known people/);
      expect(fs.existsSync(envLibrary)).toBe(false);
      const rows = readCsv(path.join(temp.dir, 'out', 'results.csv'));
      // bbt3: Sheldon is the leftmost of five.
      const leftToRight = rows.sort((a, b) => Number(a.x) - Number(b.x));
      expect(leftToRight.map((row) => row.name)).toEqual([
        'Sheldon',
        'unknown',
        'unknown',
        'unknown',
        'unknown',
      ]);
      expect(Number(leftToRight[0].distance)).toBeLessThan(0.6);
    } finally {
      temp.cleanup();
    }
  });

  it('refuses a bad threshold or a missing folder, naming it', () => {
    const bad = kindred([
      'identify',
      '--known',
      '/nope',
      '--unknown',
      '/nope',
      '--out',
      out.dir,
      '--threshold',
      'x',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--threshold must be a distance/);
    const missing = kindred([
      'identify',
      '--known',
      '/no/such/known',
      '--unknown',
      lib.photosDir,
      '--out',
      out.dir,
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--known folder not found: \/no\/such\/known/);
  });
});

describe('kindred export', () => {
  it('by default exports every photo with a named face, one copy each', () => {
    const dir = path.join(out.dir, 'default');
    const result = ok(['export', '--out', dir]);
    // Only the other bbt4.jpg has no named face (the Curie photo's come from its XMP regions).
    const withNames = json<PhotoSummary[]>(['photos']).filter((photo) => !/other/.test(photo.path));
    expect(jpegs(dir)).toHaveLength(withNames.length);
    expect(jpegs(dir)).toContain('bbt4.jpg');
    expect(result.stdout).toMatch(
      new RegExp(`^Exported ${withNames.length} photos \\(\\d+ faces labelled\\)`),
    );
    expect(fs.existsSync(path.join(dir, 'faces.csv'))).toBe(false);
  });

  it('with --unnamed, --csv, --json, --max-size and --quality: every face, both bbt4.jpg, the lists', async () => {
    const dir = path.join(out.dir, 'everything');
    ok(['export', '--out', dir, '--unnamed', '--csv', '--json', '--max-size', '400', '--quality', '70']);
    const photos = json<PhotoSummary[]>(['photos']).filter((photo) => photo.faces > 0);
    const names = jpegs(dir);
    expect(names).toHaveLength(photos.length);
    expect(names).toEqual(expect.arrayContaining(['bbt4.jpg', 'bbt4 (2).jpg', 'curie_exif6.jpg']));
    for (const name of names) {
      const { width, height } = await sharp(path.join(dir, name)).metadata();
      expect(Math.max(width!, height!)).toBeLessThanOrEqual(400);
    }
    const faces = json<FaceSummary[]>(['faces']);
    const list = JSON.parse(fs.readFileSync(path.join(dir, 'faces.json'), 'utf8')) as {
      photo: string;
      copy: string;
      takenAt: string | null;
      box: { x: number; width: number };
      normalizedBox: { x: number; width: number };
      personName: string | null;
      score: number;
    }[];
    expect(list).toHaveLength(faces.length);
    const csv = readCsv(path.join(dir, 'faces.csv'));
    expect(csv).toHaveLength(faces.length);
    expect(Object.keys(csv[0])).toEqual([
      'photo',
      'copy',
      'taken_at',
      'x',
      'y',
      'width',
      'height',
      'x_norm',
      'y_norm',
      'width_norm',
      'height_norm',
      'person_id',
      'person_name',
      'score',
    ]);
    const curie = list.filter((row) => row.copy === 'curie_exif6.jpg');
    expect(curie).toHaveLength(2);
    expect(curie[0].takenAt).toMatch(/^2001-02-03T04:05:06/);
    expect(curie[0].normalizedBox.x).toBeCloseTo(curie[0].box.x / 840, 5);
    const happy = list.find((row) => row.copy === 'bbt4 (2).jpg')!;
    expect(happy.photo).toBe(fs.realpathSync(path.join(lib.photosDir, 'other', 'bbt4.jpg')));
    expect(list.filter((row) => row.copy === 'bbt4.jpg' && row.personName !== null)).toHaveLength(6);
  });

  it('keeps the capture date and camera of the original, upright with Orientation 1 (the Curie check)', async () => {
    const dir = path.join(out.dir, 'curie');
    ok(['export', '--out', dir, '--photo', path.join(lib.photosDir, 'misc', 'curie_exif6.jpg'), '--unnamed']);
    const copy = path.join(dir, 'curie_exif6.jpg');
    const tags = JSON.parse(
      execFileSync('exiftool', ['-j', '-n', '-DateTimeOriginal', '-Make', '-Model', '-Orientation', copy], {
        encoding: 'utf8',
      }),
    )[0] as Record<string, unknown>;
    expect(tags).toMatchObject({
      DateTimeOriginal: '2001:02:03 04:05:06',
      Make: 'Canon',
      Model: 'Canon EOS 5D',
    });
    expect(tags.Orientation ?? 1).toBe(1);
    const { width, height } = await sharp(copy).metadata();
    expect([width, height]).toEqual([840, 700]);
  });

  it('boxes every named face and leaves the face itself as it was (compared with the original)', async () => {
    const dir = path.join(out.dir, 'bbt4');
    ok(['export', '--out', dir, '--photo', path.join(lib.photosDir, 'groups', 'bbt4.jpg'), '--json']);
    const list = JSON.parse(fs.readFileSync(path.join(dir, 'faces.json'), 'utf8')) as {
      box: { x: number; y: number; width: number; height: number };
      personName: string;
    }[];
    expect(list.map((row) => row.personName).sort()).toEqual(
      ['amy', 'bernadette', 'leonard', 'penny', 'raj', 'sheldon'].sort(),
    );
    const grey = (file: string) => sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
    const copy = await grey(path.join(dir, 'bbt4.jpg'));
    const original = await grey(path.join(lib.photosDir, 'groups', 'bbt4.jpg'));
    const width = copy.info.width;
    const diff = (x0: number, y0: number, w: number, h: number) => {
      let sum = 0;
      for (let y = Math.round(y0); y < Math.round(y0 + h); y++)
        for (let x = Math.round(x0); x < Math.round(x0 + w); x++)
          sum += Math.abs(copy.data[y * width + x] - original.data[y * width + x]);
      return sum / (Math.round(w) * Math.round(h));
    };
    for (const { box } of list) {
      expect(diff(box.x, box.y + 5, 2, box.height - 10)).toBeGreaterThan(20);
      expect(diff(box.x + box.width - 2, box.y + 5, 2, box.height - 10)).toBeGreaterThan(20);
      // The middle of the face is left alone.
      expect(
        diff(box.x + box.width * 0.3, box.y + box.height * 0.3, box.width * 0.4, box.height * 0.4),
      ).toBeLessThan(6);
    }
  });

  it('with --xmp, embeds each named face as MWG and Microsoft Photo regions, and a new library reads the names back', () => {
    const dir = path.join(out.dir, 'xmp');
    ok(['export', '--out', dir, '--xmp', '--json']);
    type Row = { copy: string; normalizedBox: Box; personName: string | null };
    const named = (JSON.parse(fs.readFileSync(path.join(dir, 'faces.json'), 'utf8')) as Row[]).filter(
      (row) => row.personName !== null,
    );
    expect(named.length).toBeGreaterThanOrEqual(24);
    type Region = { Name: string; Type: string; Area: { X: number; Y: number; W: number; H: number } };
    const read = JSON.parse(
      execFileSync('exiftool', ['-j', '-struct', '-n', ...jpegs(dir).map((file) => path.join(dir, file))], {
        encoding: 'utf8',
      }),
    ) as {
      SourceFile: string;
      Orientation?: number;
      RegionInfo?: { AppliedToDimensions: { W: number; H: number }; RegionList: Region[] };
      RegionInfoMP?: { Regions: { PersonDisplayName: string }[] };
    }[];
    expect(read).toHaveLength(jpegs(dir).length);
    for (const info of read) {
      const expected = named.filter((row) => row.copy === path.basename(info.SourceFile));
      const names = expected.map((row) => row.personName).sort();
      const regions = info.RegionInfo?.RegionList ?? [];
      expect(regions.map((region) => region.Name).sort(), info.SourceFile).toEqual(names);
      expect((info.RegionInfoMP?.Regions ?? []).map((region) => region.PersonDisplayName).sort()).toEqual(
        names,
      );
      for (const row of expected) {
        // MWG areas are centre-based fractions of the (upright) copy; exiftool prints a few decimals.
        const box = row.normalizedBox;
        const region = regions.find((candidate) => candidate.Name === row.personName)!;
        expect(region.Type).toBe('Face');
        expect(region.Area.X).toBeCloseTo(box.x + box.width / 2, 3);
        expect(region.Area.Y).toBeCloseTo(box.y + box.height / 2, 3);
        expect(region.Area.W).toBeCloseTo(box.width, 3);
        expect(region.Area.H).toBeCloseTo(box.height, 3);
      }
    }

    // The round trip: the copies scanned into a new library carry the same names on the same faces.
    const other = tempDir('kindred-roundtrip-');
    try {
      const inOther = (args: string[]) => {
        const result = kindred([...args, '--library', other.dir]);
        expect(result.status, result.stderr).toBe(0);
        return result.stdout;
      };
      inOther(['scan', dir]);
      const photos = JSON.parse(inOther(['photos', '--json'])) as PhotoSummary[];
      const faces = JSON.parse(inOther(['faces', '--json'])) as FaceSummary[];
      for (const row of named) {
        const photo = photos.find((candidate) => path.basename(candidate.path) === row.copy)!;
        const box = {
          x: row.normalizedBox.x * photo.width!,
          y: row.normalizedBox.y * photo.height!,
          width: row.normalizedBox.width * photo.width!,
          height: row.normalizedBox.height * photo.height!,
        };
        const best = faces
          .filter((face) => face.photo === photo.path)
          .sort((a, b) => intersectionOverUnion(b.box, box) - intersectionOverUnion(a.box, box))[0];
        expect(intersectionOverUnion(best.box, box), `${row.copy} ${row.personName}`).toBeGreaterThan(0.5);
        expect(best.personName, `${row.copy}`).toBe(row.personName);
      }
      console.log(
        `round trip: ${named.length} named faces in ${new Set(named.map((row) => row.copy)).size} copies, ` +
          'each read back by a new library with the same name on the same face',
      );
    } finally {
      other.cleanup();
    }
  });

  it('selects by --person (all of them, or --any) like kindred photos, and by --photo id', () => {
    const count = (args: string[]) => json<PhotoSummary[]>(['photos', ...args]).length;
    const both = path.join(out.dir, 'both');
    ok(['export', '--out', both, '--person', 'sheldon', '--person', 'penny']);
    expect(jpegs(both)).toHaveLength(count(['--person', 'sheldon', '--person', 'penny']));
    const any = path.join(out.dir, 'any');
    ok(['export', '--out', any, '--person', 'sheldon', '--person', 'penny', '--any']);
    expect(jpegs(any)).toHaveLength(count(['--person', 'sheldon', '--person', 'penny', '--any']));
    expect(jpegs(any).length).toBeGreaterThan(jpegs(both).length);
    const photo = json<PhotoSummary[]>(['photos']).find((candidate) => candidate.path.endsWith('bbt2.jpg'))!;
    const one = path.join(out.dir, 'one');
    ok(['export', '--out', one, '--photo', String(photo.id)]);
    expect(jpegs(one)).toEqual(['bbt2.jpg']);
  });

  it('shows a progress bar on a terminal, and only the summary line in a pipe', () => {
    const dir = path.join(out.dir, 'terminal');
    // script(1) (util-linux, in every Debian) runs the command on a pseudo-terminal.
    const command = [process.execPath, KINDRED_BIN, 'export', '--out', dir, '--unnamed', ...at()]
      .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const onTerminal = execFileSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, KINDRED_LIBRARY: '' },
    });
    expect(onTerminal).toMatch(/Exporting [█░]+ \d+\/\d+ photos/);
    const inPipe = ok(['export', '--out', dir, '--unnamed']);
    expect(inPipe.stderr).toBe('');
    expect(inPipe.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('writes the same names again when run again into the same folder', () => {
    const dir = path.join(out.dir, 'everything');
    const before = jpegs(dir);
    ok(['export', '--out', dir, '--unnamed']);
    expect(jpegs(dir)).toEqual(before);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses bad options, unknown people and photos, and an output folder among the photos (exit 2)', () => {
    const cases: [string[], RegExp][] = [
      [['--quality', '0'], /Invalid JPEG quality 0/],
      [['--quality', 'high'], /--quality must be a whole number \(got "high"\)/],
      [['--max-size', '10'], /Invalid max size 10/],
      [['--person', 'Nobody'], /Nobody/],
      [['--photo', '/no/such/photo.jpg'], /No photo "\/no\/such\/photo.jpg"/],
    ];
    for (const [args, message] of cases) {
      const result = run(['export', '--out', path.join(out.dir, 'refused'), ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const inside = run(['export', '--out', path.join(lib.photosDir, 'groups', 'annotated')]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/is inside .*groups.*Choose an output folder outside it/);
    expect(fs.existsSync(path.join(lib.photosDir, 'groups', 'annotated', 'bbt4.jpg'))).toBe(false);
  });

  it('never wrote to an original', () => {
    for (const [file, hash] of hashesBefore) expect(sha(file), file).toBe(hash);
    expect(originals()).toHaveLength(hashesBefore.size);
  });
});
