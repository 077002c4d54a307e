/**
 * Small faces get their landmarks and chips from a region of the photo decoded in full detail
 * (decode.ts, decodeRegion), not from a whole decode: these tests hold a region to the pixels of
 * the whole upright photo, in every EXIF orientation, and the chip cut from it to the chip cut
 * from the whole photo.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignedChip, CHIP_SIZE } from '../../../src/main/vision/aligner';
import { decodeRegion, decodeScaled, readPhotoHeader, storedRect } from '../../../src/main/vision/decode';
import type { RgbImage } from '../../../src/main/vision/image';
import type { Sessions } from '../../../src/main/vision/models';
import { analysePhoto, DEFAULT_PIPELINE, facesRegion } from '../../../src/main/vision/pipeline';
import { loadTestSessions, readFixture } from './helpers';

let sessions: Sessions;
beforeAll(async () => {
  sessions = await loadTestSessions();
});

/** The Curie fixtures (orientations 1, 3, 6, 8) and the upright one re-tagged 2, 4, 5 and 7. */
async function everyOrientation(): Promise<[number, Buffer][]> {
  const tagged: [number, Buffer][] = [
    [1, readFixture('misc/curie_upright.jpg')],
    [3, readFixture('misc/curie_exif3.jpg')],
    [6, readFixture('misc/curie_exif6.jpg')],
    [8, readFixture('misc/curie_exif8.jpg')],
  ];
  for (const orientation of [2, 4, 5, 7]) {
    const file = await sharp(readFixture('misc/curie_upright.jpg'))
      .withMetadata({ orientation })
      .jpeg()
      .toBuffer();
    tagged.push([orientation, file]);
  }
  return tagged;
}

/** The largest difference of one channel between `part` and the same place of `whole`. */
function largestDifference(part: RgbImage, whole: RgbImage, inset = 0): number {
  let largest = 0;
  const dx = Math.round(part.originX ?? 0);
  const dy = Math.round(part.originY ?? 0);
  for (let y = inset; y < part.height - inset; y++) {
    for (let x = inset; x < part.width - inset; x++) {
      for (let c = 0; c < 3; c++) {
        const a = part.data[(y * part.width + x) * 3 + c];
        const b = whole.data[((y + dy) * whole.width + x + dx) * 3 + c];
        largest = Math.max(largest, Math.abs(a - b));
      }
    }
  }
  return largest;
}

describe('a region of the photo', () => {
  it('is, in every EXIF orientation, exactly those pixels of the whole upright photo', async () => {
    for (const [orientation, file] of await everyOrientation()) {
      const header = await readPhotoHeader(file);
      expect(header.orientation).toBe(orientation);
      const whole = await decodeScaled(file, header, 1);
      const rect = { left: 151, top: 203, width: 97, height: 61 };
      const region = await decodeRegion(file, header, 1, rect);
      expect([region.width, region.height, region.originX, region.originY]).toEqual([97, 61, 151, 203]);
      expect(largestDifference(region, whole), `orientation ${orientation}`).toBe(0);
    }
  });

  it('is cut from the stored pixels: a quarter turn swaps its sides there', () => {
    // A 700×840 upright photo stored as 840×700 and turned 90° clockwise to display (6).
    const header = { width: 700, height: 840, orientation: 6 };
    expect(storedRect({ left: 10, top: 20, width: 30, height: 40 }, header)).toEqual({
      left: 20,
      top: 660,
      width: 40,
      height: 30,
    });
    expect(storedRect({ left: 10, top: 20, width: 30, height: 40 }, { ...header, orientation: 1 })).toEqual({
      left: 10,
      top: 20,
      width: 30,
      height: 40,
    });
  });

  it('is clamped to the photo, and keeps its place when it is', async () => {
    const file = readFixture('misc/curie_exif6.jpg');
    const header = await readPhotoHeader(file);
    const region = await decodeRegion(file, header, 1, { left: -50, top: 650, width: 200, height: 100 });
    expect([region.originX, region.originY, region.width, region.height]).toEqual([0, 650, 150, 50]);
    expect(largestDifference(region, await decodeScaled(file, header, 1))).toBe(0);
  });

  it('shrunk, matches the whole photo shrunk, away from its edges', async () => {
    const file = readFixture('groups/bbt1.jpg');
    const header = await readPhotoHeader(file);
    const whole = await decodeScaled(file, header, 0.5);
    // Even offsets: the region's pixels fall on the whole decode's grid.
    const region = await decodeRegion(file, header, 0.5, { left: 100, top: 60, width: 300, height: 200 });
    expect([region.originX, region.originY, region.width, region.height]).toEqual([50, 30, 150, 100]);
    // The resize kernel reaches 3 pixels: inside that, the same image but for rounding.
    expect(largestDifference(region, whole, 3)).toBeLessThanOrEqual(2);
  });

  it('gives each face exactly the chip the whole photo gives', async () => {
    // The re-tagged copies show Curie mirrored or upside down, where the detector rightly finds no
    // one: the fixtures in 1, 3, 6 and 8 are the photo the right way up.
    for (const [orientation, file] of (await everyOrientation()).slice(0, 4)) {
      const { header, faces } = await analysePhoto(file, sessions, DEFAULT_PIPELINE);
      expect(faces).toHaveLength(2);
      const whole = await decodeScaled(file, header, 1);
      const region = await decodeRegion(
        file,
        header,
        1,
        facesRegion(faces.map((face) => ({ ...face.box, score: 1 }))),
      );
      // The faces' region is a part of the photo, not the whole of it.
      expect(region.width * region.height).toBeLessThan(whole.width * whole.height);
      for (const face of faces) {
        const fromWhole = new Float32Array(CHIP_SIZE * CHIP_SIZE * 3);
        const fromRegion = new Float32Array(CHIP_SIZE * CHIP_SIZE * 3);
        alignedChip(whole, 1, face.landmarks, fromWhole, 0);
        alignedChip(region, 1, face.landmarks, fromRegion, 0);
        expect(fromRegion, `orientation ${orientation}`).toEqual(fromWhole);
      }
    }
  });
});
