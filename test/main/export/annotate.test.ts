import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotatePhoto, layoutLabels, type FaceToDraw } from '../../../src/main/export/annotate';
import { LabelFont } from '../../../src/main/export/label-font';
import { overlapArea } from '../../../src/main/export/label-layout';
import { fixture, tempDir } from '../../support/fixtures';

const temp = tempDir('kindred-annotate-');
const font = LabelFont.load();
/** A copy of the Curie photo stored rotated (EXIF Orientation 6), with a capture date and camera. */
const dated = path.join(temp.dir, 'curie-dated.jpg');
// Upright (840×700) boxes, roughly where the two faces are.
const faces: FaceToDraw[] = [
  { box: { x: 250, y: 120, width: 130, height: 160 }, name: 'Marie Curie' },
  { box: { x: 470, y: 110, width: 130, height: 160 }, name: null },
];

beforeAll(() => {
  fs.copyFileSync(fixture('misc/curie_exif6.jpg'), dated);
  execFileSync('exiftool', [
    '-q',
    '-overwrite_original',
    '-DateTimeOriginal=2001:02:03 04:05:06',
    '-Make=Canon',
    '-Model=Canon EOS 5D',
    dated,
  ]);
});
afterAll(() => temp.cleanup());

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const exif = (file: string) =>
  JSON.parse(
    execFileSync('exiftool', ['-j', '-n', '-DateTimeOriginal', '-Make', '-Model', '-Orientation', file], {
      encoding: 'utf8',
    }),
  )[0] as Record<string, unknown>;

/** Grey pixels of an image at a given size, for comparing. */
async function grey(input: Buffer | string, width: number, height: number): Promise<Buffer> {
  return sharp(input).rotate().resize(width, height, { fit: 'fill' }).greyscale().raw().toBuffer();
}

/** Mean absolute difference of two grey images inside a rectangle. */
function meanDiff(
  a: Buffer,
  b: Buffer,
  width: number,
  r: { x: number; y: number; w: number; h: number },
): number {
  let sum = 0;
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w; x++) sum += Math.abs(a[y * width + x] - b[y * width + x]);
  return sum / (r.w * r.h);
}

describe('annotatePhoto', () => {
  it('makes an upright copy that keeps the capture date and camera, with Orientation 1, and leaves the original alone', async () => {
    const before = sha(dated);
    const copy = await annotatePhoto(dated, faces, font, { quality: 90 });
    expect(sha(dated)).toBe(before);
    expect([copy.width, copy.height]).toEqual([840, 700]);
    const out = path.join(temp.dir, 'copy.jpg');
    fs.writeFileSync(out, copy.jpeg);
    const tags = exif(out);
    expect(tags).toMatchObject({
      DateTimeOriginal: '2001:02:03 04:05:06',
      Make: 'Canon',
      Model: 'Canon EOS 5D',
    });
    expect(tags.Orientation ?? 1).toBe(1);
    const metadata = await sharp(copy.jpeg).metadata();
    expect([metadata.format, metadata.width, metadata.height, metadata.channels]).toEqual([
      'jpeg',
      840,
      700,
      3,
    ]);
  });

  it('turns a photo stored on its side upright, like the reference Curie photo (not upside down)', async () => {
    const copy = await annotatePhoto(fixture('misc/curie_exif6.jpg'), [], font, { quality: 90 });
    const [width, height] = [168, 140];
    const mine = await grey(copy.jpeg, width, height);
    const reference = await grey(fixture('misc/curie_upright.jpg'), width, height);
    const flipped = await grey(
      await sharp(fixture('misc/curie_upright.jpg')).rotate(180).toBuffer(),
      width,
      height,
    );
    const all = { x: 0, y: 0, w: width, h: height };
    expect(meanDiff(mine, reference, width, all)).toBeLessThan(meanDiff(mine, flipped, width, all) / 3);
  });

  it('draws the boxes and labels on the copy and nothing elsewhere', async () => {
    const copy = await annotatePhoto(dated, faces, font, { quality: 95 });
    const [width, height] = [840, 700];
    const drawn = await grey(copy.jpeg, width, height);
    const original = await grey(dated, width, height);
    // The left edge of each box, and the label strip just above the first one.
    for (const face of faces) {
      const edge = { x: face.box.x, y: face.box.y + 10, w: 3, h: face.box.height - 20 };
      expect(meanDiff(drawn, original, width, edge)).toBeGreaterThan(25);
    }
    const label = { x: 250, y: 120 - 22, w: 100, h: 18 };
    expect(meanDiff(drawn, original, width, label)).toBeGreaterThan(25);
    // Far from both faces (bottom left) the copy is the photo.
    expect(meanDiff(drawn, original, width, { x: 20, y: 560, w: 150, h: 120 })).toBeLessThan(4);
  });

  it('scales the copy to --max-size and reports the faces in the copy as fractions of its size', async () => {
    const copy = await annotatePhoto(dated, faces, font, { quality: 80, maxSize: 300 });
    expect([copy.width, copy.height]).toEqual([300, 250]);
    expect(copy.faces[0].name).toBe('Marie Curie');
    expect(copy.faces[0].box.x).toBeCloseTo(250 / 840, 6);
    expect(copy.faces[0].box.width).toBeCloseTo(130 / 840, 6);
    expect(copy.faces[1]).toMatchObject({ name: null });
    const small = await annotatePhoto(fixture('people/amy/amy1.png'), [], font, {
      quality: 80,
      maxSize: 4000,
    });
    expect([small.width, small.height]).toEqual([150, 150]);
  });
});

/** Face boxes as Kindred detects them in the group photos (x, y, width, height; upright pixels). */
const GROUPS: Record<string, { size: [number, number]; faces: [number, number, number, number, string][] }> =
  {
    'bbt2.jpg': {
      size: [675, 469],
      faces: [
        [2, 83, 47, 75, 'Someone with a long name'],
        [91, 115, 87, 110, 'Leonard'],
        [384, 109, 80, 113, 'Sheldon'],
      ],
    },
    'bbt3.jpg': {
      size: [594, 383],
      faces: [
        [34, 16, 59, 83, 'Sheldon'],
        [156, 79, 47, 76, 'Howard'],
        [254, 94, 54, 79, 'Penny'],
        [369, 102, 48, 73, 'Raj'],
        [494, 91, 59, 83, 'Leonard'],
      ],
    },
    'bbt4.jpg': {
      size: [710, 473],
      faces: [
        [50, 239, 92, 143, 'Leonard'],
        [84, 10, 83, 122, 'Amy'],
        [232, 33, 89, 123, 'Raj'],
        [263, 227, 79, 124, 'Penny'],
        [466, 164, 89, 132, 'Sheldon'],
        [576, 51, 80, 125, 'Bernadette'],
      ],
    },
  };

describe('labels on the close faces of the group photos', () => {
  for (const [file, group] of Object.entries(GROUPS)) {
    for (const longSide of [120, 300, group.size[0]]) {
      it(`${file} at ${longSide} px: every label inside the frame, none over another`, () => {
        const scale = longSide / group.size[0];
        const frame = { width: Math.round(group.size[0] * scale), height: Math.round(group.size[1] * scale) };
        const faces = group.faces.map(([x, y, width, height, name]) => ({
          box: { x: x * scale, y: y * scale, width: width * scale, height: height * scale },
          name,
        }));
        const labels = layoutLabels(frame, faces, font).map((label) => label.rect);
        for (const [i, a] of labels.entries()) {
          expect(a.x).toBeGreaterThanOrEqual(0);
          expect(a.y).toBeGreaterThanOrEqual(0);
          expect(a.x + a.width).toBeLessThanOrEqual(frame.width + 1e-6);
          expect(a.y + a.height).toBeLessThanOrEqual(frame.height + 1e-6);
          for (const b of labels.slice(i + 1)) expect(overlapArea(a, b)).toBe(0);
        }
      });
    }
  }
});
