/**
 * The working decode of a large JPEG goes through libjpeg's scaling, read from the file on disk
 * (decode.ts, decodeJpegShrunk). These tests hold it to the upright photo in every EXIF
 * orientation, and to giving way (null) whenever the file on disk may not be the bytes that were
 * read, so that the caller decodes those bytes instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeJpegShrunk,
  decodeScaled,
  readPhotoHeader,
  type PhotoOnDisk,
} from '../../../src/main/vision/decode';
import { halve, type RgbImage } from '../../../src/main/vision/image';
import { decodeForDetection } from '../../../src/main/vision/pipeline';
import { fileFacts } from '../../../src/main/vision/read-file';
import { readFixture } from './helpers';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-jpeg-shrink-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Writes `bytes` as `name` in the test folder; returns it as the pipeline knows a read file. */
function onDisk(name: string, bytes: Buffer): PhotoOnDisk {
  const file = path.join(folder, name);
  fs.writeFileSync(file, bytes);
  return { path: file, ...fileFacts(fs.statSync(file)) };
}

/** The mean difference of a channel between two images of the same size. */
function meanDifference(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

describe('a JPEG decoded through libjpeg scaling', () => {
  it.each([
    ['curie_upright.jpg', 1],
    ['curie_exif3.jpg', 3],
    ['curie_exif6.jpg', 6],
    ['curie_exif8.jpg', 8],
  ])('%s (orientation %i) is the upright photo at half size', async (name, orientation) => {
    const bytes = readFixture(`misc/${name}`);
    const header = await readPhotoHeader(bytes);
    expect(header.orientation).toBe(orientation);
    const shrunk = await decodeJpegShrunk(onDisk(name, bytes), header, 2);
    expect(shrunk).not.toBeNull();
    // The whole upright decode, 2×2 blocks averaged: libjpeg's scaled IDCT differs by rounding
    // (0.15–0.17 a channel on these files); a photo turned the wrong way differs by tens.
    expect(meanDifference(shrunk!, halve(await decodeScaled(bytes, header, 1)))).toBeLessThan(1);
  });

  it('rounds each side down at 1/2, 1/4 and 1/8, as every scaled decode does', async () => {
    const bytes = await sharp(readFixture('groups/bbt1.jpg'))
      .resize(1001, 603, { fit: 'fill' })
      .jpeg()
      .toBuffer();
    const header = await readPhotoHeader(bytes);
    const file = onDisk('odd.jpg', bytes);
    const half = await decodeJpegShrunk(file, header, 2);
    expect([half?.width, half?.height]).toEqual([500, 301]);
    const quarter = await decodeJpegShrunk(file, header, 4);
    expect([quarter?.width, quarter?.height]).toEqual([250, 150]);
    const eighth = await decodeJpegShrunk(file, header, 8);
    expect([eighth?.width, eighth?.height]).toEqual([125, 75]);
  });

  it('reads a file whose name holds brackets, even what looks like a load option', async () => {
    const bytes = readFixture('misc/curie_upright.jpg');
    const header = await readPhotoHeader(bytes);
    for (const name of ['Curie [1903].jpg', 'curie[shrink=8].jpg']) {
      const shrunk = await decodeJpegShrunk(onDisk(name, bytes), header, 2);
      expect([shrunk?.width, shrunk?.height]).toEqual([420, 350]);
    }
  });

  it('gives way when the file is no longer the bytes read, or cannot be decoded so', async () => {
    const bytes = readFixture('misc/curie_upright.jpg');
    const header = await readPhotoHeader(bytes);
    const read = onDisk('changed.jpg', bytes);
    expect(await decodeJpegShrunk({ ...read, size: read.size + 1 }, header, 2)).toBeNull();
    expect(await decodeJpegShrunk({ ...read, mtimeMs: read.mtimeMs - 1000 }, header, 2)).toBeNull();
    expect(await decodeJpegShrunk({ ...read, path: path.join(folder, 'gone.jpg') }, header, 2)).toBeNull();
    // Replaced by another photo of another size, with the old facts: the size check catches it.
    const other = await sharp(bytes).resize(600).jpeg().toBuffer();
    const replaced = onDisk('replaced.jpg', other);
    const otherHeader = await readPhotoHeader(other);
    expect(await decodeJpegShrunk(replaced, { ...otherHeader, width: 840, height: 700 }, 2)).toBeNull();
    // Damaged on disk: the caller's decode of the bytes reports the damage.
    const truncated = onDisk('truncated.jpg', bytes.subarray(0, bytes.length / 2));
    expect(await decodeJpegShrunk(truncated, header, 2)).toBeNull();
    // Not a JPEG: no libjpeg scaling to use.
    const png = await sharp(bytes).png().toBuffer();
    expect(await decodeJpegShrunk(onDisk('curie.png', png), await readPhotoHeader(png), 2)).toBeNull();
  });

  it('is what the pipeline decodes a large JPEG with when it is given the file', async () => {
    // The file on disk is the mirror image of the bytes in memory, so the working image tells
    // which of the two it was decoded from.
    const bytes = await sharp(readFixture('groups/bbt1.jpg')).resize(3200).jpeg().toBuffer();
    const mirrored = await sharp(bytes).flop().jpeg().toBuffer();
    const header = await readPhotoHeader(bytes);
    const { working } = await decodeForDetection(bytes, header, onDisk('mirrored.jpg', mirrored));
    expect(working.scale).toBe(1 / 2);
    const fromFile = await decodeScaled(mirrored, header, 1 / 2);
    const fromBytes = await decodeScaled(bytes, header, 1 / 2);
    expect(meanDifference(working.image, fromFile)).toBeLessThan(2);
    expect(meanDifference(working.image, fromBytes)).toBeGreaterThan(10);
  });
});
