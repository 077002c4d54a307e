import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSessions, resolveModelsDir, type Sessions } from '../../../src/main/vision/models';
import { analysePhoto, DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { tileGrid } from '../../../src/main/vision/tiles';
import { fixture } from '../../support/fixtures';

let sessions: Sessions;
let photo: Buffer;
let background: Buffer;
/** Where the small face is pasted, and how wide its face is once pasted. */
const FACE_AT = { x: 2710, y: 1905 };
const FACE_WIDTH = 40;

beforeAll(async () => {
  sessions = await loadSessions(resolveModelsDir());
  background = await sharp(fixture('misc/landscape_waterfall.jpg'))
    .resize(4000, 3000, { fit: 'cover' })
    .jpeg({ quality: 90 })
    .toBuffer();
  // sad.jpg's face box is about 111 px wide in a 400 px photo: shrink the photo so the face is 40 px.
  const face = await sharp(fixture('misc/sad.jpg'))
    .resize(Math.round((400 * FACE_WIDTH) / 111))
    .toBuffer();
  photo = await sharp(background)
    .composite([{ input: face, left: FACE_AT.x, top: FACE_AT.y }])
    .jpeg({ quality: 90 })
    .toBuffer();
});

describe('small faces in a 12-megapixel photo', () => {
  it('are out of reach of the whole-photo passes', async () => {
    const { faces } = await analysePhoto(photo, sessions, DEFAULT_PIPELINE);
    expect(faces).toHaveLength(0);
  });

  it('are found, in the right place, when tiles are on', async () => {
    const { faces } = await analysePhoto(photo, sessions, { ...DEFAULT_PIPELINE, smallFaces: true });
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face.box.width).toBeGreaterThan(FACE_WIDTH * 0.75);
    expect(face.box.width).toBeLessThan(FACE_WIDTH * 1.5);
    expect(face.box.x).toBeGreaterThan(FACE_AT.x);
    expect(face.box.x).toBeLessThan(FACE_AT.x + 120);
    expect(face.embedding).toHaveLength(128);
  });

  it('add no false faces to a photo without people', async () => {
    const { faces } = await analysePhoto(background, sessions, { ...DEFAULT_PIPELINE, smallFaces: true });
    expect(faces).toHaveLength(0);
  });
});

describe('tileGrid', () => {
  it('covers the image with overlapping tiles no larger than the detector input', () => {
    const tiles = tileGrid(2400, 1800);
    for (const tile of tiles) {
      expect(tile.width).toBeLessThanOrEqual(512);
      expect(tile.height).toBeLessThanOrEqual(512);
    }
    // Every pixel is covered, and neighbours overlap by at least 96 px.
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)! + 512).toBe(2400);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + 512 - xs[i]).toBeGreaterThanOrEqual(96);
  });

  it('uses a single tile for an image that fits the detector', () => {
    expect(tileGrid(400, 300)).toEqual([{ x: 0, y: 0, width: 400, height: 300 }]);
  });
});
