/**
 * A large photo is decoded once (pipeline.ts, decodeForDetection): the working image at a libjpeg
 * scale serves the detector's 512 image, the crops and the previews, and a second, more detailed
 * decode, of the faces' region only, happens when the faces are too small for it. These tests hold
 * the pipeline to what it gives on the original fixture: the same faces, at the same places, with
 * near descriptors. The enlarged photos are written to disk, as the pool's workers read them: a
 * JPEG's working image is decoded from the file (decode.ts, decodeJpegShrunk).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { euclideanDistance } from '../../../src/main/vision/embedder';
import type { Sessions } from '../../../src/main/vision/models';
import {
  analysePhoto,
  DEFAULT_PIPELINE,
  workingDecodeShrink,
  type PhotoAnalysis,
} from '../../../src/main/vision/pipeline';
import { leftToRight, loadTestSessions, readFixture } from './helpers';
import type { PhotoOnDisk } from '../../../src/main/vision/decode';
import { fileFacts } from '../../../src/main/vision/read-file';

let sessions: Sessions;
beforeAll(async () => {
  sessions = await loadTestSessions();
});
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-working-decode-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** The fixture group photo enlarged to `width` px, as a camera-sized JPEG file. */
async function enlarged(fixturePath: string, width: number): Promise<{ bytes: Buffer; onDisk: PhotoOnDisk }> {
  const bytes = await sharp(readFixture(fixturePath)).resize(width).jpeg({ quality: 92 }).toBuffer();
  const file = path.join(folder, `${path.basename(fixturePath, '.jpg')}-${width}.jpg`);
  fs.writeFileSync(file, bytes);
  return { bytes, onDisk: { path: file, ...fileFacts(fs.statSync(file)) } };
}

/** The most detailed decode the analysis held: the one its crops were cut from. */
const cropSourceScale = (analysis: PhotoAnalysis) =>
  Math.max(...analysis.views.filter((view) => view.scale <= 1).map((view) => view.scale));

async function compareWithOriginal(fixturePath: string, width: number) {
  const original = await analysePhoto(readFixture(fixturePath), sessions, DEFAULT_PIPELINE);
  const { bytes, onDisk } = await enlarged(fixturePath, width);
  const large = await analysePhoto(bytes, sessions, DEFAULT_PIPELINE, onDisk);
  const factor = large.header.width / original.header.width;
  const pairs = leftToRight(large.faces).map((face, i) => ({ face, twin: leftToRight(original.faces)[i] }));
  return { original, large, factor, pairs };
}

describe('workingDecodeShrink', () => {
  it.each([
    [400, 300, 1],
    [2999, 2000, 1],
    [3000, 2000, 1 / 2],
    [4000, 3000, 1 / 2],
    [3000, 4000, 1 / 2],
    [5999, 4000, 1 / 2],
    [6000, 4000, 1 / 4],
    [8000, 6000, 1 / 4],
    [11999, 9000, 1 / 4],
    [12000, 9000, 1 / 8],
    [60000, 4000, 1 / 8],
  ])('%i×%i px decodes at %f', (width, height, scale) => {
    expect(1 / workingDecodeShrink(width, height)).toBe(scale);
  });
});

describe('a camera-sized photo (12–14 MP)', () => {
  it('whose faces are large enough is decoded once, at half its size, and gives the original faces', async () => {
    // bbt4's faces are 79–92 px wide in 710: over 500 px at 4,600, over 120 px in the working image.
    const { original, large, factor, pairs } = await compareWithOriginal('groups/bbt4.jpg', 4600);
    expect(large.faces).toHaveLength(original.faces.length);
    // The detector's image and the working image (2,300 px wide); the crop source is no finer.
    const working = large.views.filter((view) => Math.abs(view.scale - 1 / 2) < 0.001);
    expect(working).toHaveLength(1);
    expect(working[0].image.width).toBe(2300);
    expect(cropSourceScale(large)).toBeLessThan(1 / 2 + 0.001);
    for (const { face, twin } of pairs) {
      expect(Math.abs(face.box.x / factor - twin.box.x)).toBeLessThan(twin.box.width * 0.1);
      expect(Math.abs(face.box.width / factor - twin.box.width)).toBeLessThan(twin.box.width * 0.1);
      expect(euclideanDistance(face.embedding, twin.embedding)).toBeLessThan(0.25);
    }
  });

  it('whose faces are too small for the working image is decoded again in more detail', async () => {
    const { original, large, pairs } = await compareWithOriginal('groups/bbt1.jpg', 3200);
    expect(large.faces).toHaveLength(original.faces.length);
    const smallest = Math.min(...large.faces.map((face) => Math.min(face.box.width, face.box.height)));
    // In the working image (half the size) the smallest face spans under 120 px: the crops come
    // from a finer decode.
    expect(large.views.some((view) => Math.abs(view.scale - 1 / 2) < 0.001)).toBe(true);
    expect(smallest / 2).toBeLessThan(120);
    expect(smallest * cropSourceScale(large)).toBeGreaterThanOrEqual(159);
    // That decode is of the faces' part of the photo only, and holds each face with its margin.
    const finer = large.views.find((view) => view.scale === cropSourceScale(large))!;
    const { originX = 0, originY = 0, width, height } = finer.image;
    expect(finer.image.originX).toBeDefined();
    expect(width * height).toBeLessThan(0.8 * large.header.width * large.header.height * finer.scale ** 2);
    for (const { box } of large.faces) {
      expect(box.x * finer.scale).toBeGreaterThanOrEqual(originX);
      expect(box.y * finer.scale).toBeGreaterThanOrEqual(originY);
      expect((box.x + box.width) * finer.scale).toBeLessThanOrEqual(originX + width);
      expect((box.y + box.height) * finer.scale).toBeLessThanOrEqual(originY + height);
    }
    for (const { face, twin } of pairs)
      expect(euclideanDistance(face.embedding, twin.embedding)).toBeLessThan(0.25);
  });
});
