/**
 * EXIF orientation: the Curie photo stored rotated (tags 3, 6, 8; grayscale JPEGs) must come out
 * exactly like the upright reference: 840×700, and the same two boxes, Marie on the left. Boxes
 * are in upright pixel coordinates, so a missed or wrong rotation shows as a size swap or as
 * boxes in the wrong place.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readPhotoHeader } from '../../../src/main/vision/decode';
import type { Sessions } from '../../../src/main/vision/models';
import { analysePhoto, DEFAULT_PIPELINE, type PhotoAnalysis } from '../../../src/main/vision/pipeline';
import { euclideanDistance } from '../../../src/main/vision/embedder';
import { readManifest } from '../../support/fixtures';
import { edgeDistance, leftToRight, loadTestSessions, readFixture } from './helpers';

const UPRIGHT = 'misc/curie_upright.jpg';
const ROTATED = ['misc/curie_exif3.jpg', 'misc/curie_exif6.jpg', 'misc/curie_exif8.jpg'];
/** Rotating by a multiple of 90° is exact; what differs is JPEG re-encoding and grayscale: a few pixels at most. */
const BOX_TOLERANCE_PX = 4;

let sessions: Sessions;
let upright: PhotoAnalysis;
beforeAll(async () => {
  sessions = await loadTestSessions();
  upright = await analysePhoto(readFixture(UPRIGHT), sessions, DEFAULT_PIPELINE);
});

describe('EXIF orientation', () => {
  it('the manifest describes the files as stored rotated, with the tags under test', () => {
    const byPath = new Map(readManifest().map((file) => [file.path, file]));
    expect(ROTATED.map((path) => byPath.get(path)?.exif_orientation)).toEqual([3, 6, 8]);
    expect(byPath.get(UPRIGHT)?.exif_orientation ?? null).toBeNull();
  });

  it('the upright reference gives 840×700 and two faces, Marie left of Pierre', () => {
    expect([upright.header.width, upright.header.height]).toEqual([840, 700]);
    expect(upright.faces).toHaveLength(2);
    const [marie, pierre] = leftToRight(upright.faces);
    // Not overlapping: a clear left-right order to compare against.
    expect(marie.box.x + marie.box.width).toBeLessThan(pierre.box.x);
  });

  it.each(ROTATED)('%s: header reports the upright size before any pixel is decoded', async (path) => {
    const header = await readPhotoHeader(readFixture(path));
    expect([header.width, header.height]).toEqual([840, 700]);
  });

  it.each(ROTATED)('%s: same size, same two boxes, same people in the same order', async (path) => {
    const analysis = await analysePhoto(readFixture(path), sessions, DEFAULT_PIPELINE);
    expect([analysis.header.width, analysis.header.height]).toEqual([840, 700]);
    expect(analysis.faces).toHaveLength(2);
    const expected = leftToRight(upright.faces);
    const actual = leftToRight(analysis.faces);
    actual.forEach((face, i) => {
      expect(
        edgeDistance(face.box, expected[i].box),
        JSON.stringify([face.box, expected[i].box]),
      ).toBeLessThanOrEqual(BOX_TOLERANCE_PX);
    });
    // The same person on the same side: each face is far closer to its own upright counterpart
    // than to the other person (the descriptors see the faces, not just the box positions).
    const [marie, pierre] = actual;
    expect(euclideanDistance(marie.embedding, expected[0].embedding)).toBeLessThan(
      euclideanDistance(marie.embedding, expected[1].embedding),
    );
    expect(euclideanDistance(pierre.embedding, expected[1].embedding)).toBeLessThan(
      euclideanDistance(pierre.embedding, expected[0].embedding),
    );
    expect(euclideanDistance(marie.embedding, expected[0].embedding)).toBeLessThan(0.4);
    expect(euclideanDistance(pierre.embedding, expected[1].embedding)).toBeLessThan(0.4);
  });
});
