/**
 * The benchmark's photo set: 12-megapixel JPEGs made from the public face fixtures, cached in
 * .bench/ so that only the first run pays for them.
 *
 * The fixtures are small (300–1,400 px wide), so each photo is one of them upscaled to 4000×3000
 * (or a 2×2 collage of single-face photos), varied by flips, small crops, padding colour and JPEG
 * quality so that no two files are alike. A mild film grain is laid over every photo: an upscaled
 * small image is so smooth that its JPEG is a fraction of a camera's, and a smaller file would make
 * the JPEG decode, which every photo pays, look cheaper than it is for real photos.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { FIXTURES, readManifest } from '../test/support/fixtures';

export const PHOTO_WIDTH = 4000;
export const PHOTO_HEIGHT = 3000;

/** Bump when the way photos are made changes: a cached set of another version is remade. */
const GENERATOR_VERSION = 2;
const MARKER_FILE = '.complete.json';

/** The faces a photo should hold, as counted in the fixtures' manifest. */
export interface FaceCount {
  min: number;
  max: number;
}

export interface PhotoSet {
  dir: string;
  files: string[];
  expectedFaces: FaceCount[];
  /** The folder holds more photos than `files` (a larger set made earlier), so it cannot be scanned as is. */
  holdsMore: boolean;
  /** Milliseconds spent making photos in this run, or null when the cached set was complete. */
  generatedMs: number | null;
}

const GROUPS = ['bbt1', 'bbt2', 'bbt3', 'bbt4', 'bbt5'].map((name) => `groups/${name}.jpg`);
const EXPRESSIONS = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'].map(
  (name) => `misc/${name}.jpg`,
);
const COUPLE = 'misc/curie_upright.jpg';

/** What one photo is made of: one fixture filling the frame, or four in a 2×2 grid. */
type Recipe = { kind: 'single'; source: string } | { kind: 'collage'; sources: string[] };

/**
 * Photo i of the set. A cycle of ten keeps any prefix of the set representative of all of it:
 * the five group photos, the Curie couple, two collages of four expressions and two single
 * portraits, so eight photos in ten hold several faces.
 */
export function recipeFor(index: number): Recipe {
  const slot = index % 10;
  const cycle = Math.floor(index / 10);
  if (slot < 5) return { kind: 'single', source: GROUPS[slot] };
  if (slot === 5) return { kind: 'single', source: COUPLE };
  const pick = (offset: number) => EXPRESSIONS[(cycle * 3 + offset) % EXPRESSIONS.length];
  if (slot < 8) {
    const first = (slot - 6) * 4;
    return { kind: 'collage', sources: [0, 1, 2, 3].map((k) => pick(first + k)) };
  }
  return { kind: 'single', source: pick(slot) };
}

/** A small deterministic generator (mulberry32), so that the same index always gives the same photo. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function faceCounts(): Map<string, FaceCount> {
  return new Map(
    readManifest().map((file) => [
      file.path,
      {
        min: file.expected_face_count_min ?? file.expected_face_count,
        max: file.expected_face_count_max ?? file.expected_face_count,
      },
    ]),
  );
}

export function expectedFacesFor(recipe: Recipe, manifest: Map<string, FaceCount>): FaceCount {
  const sources = recipe.kind === 'single' ? [recipe.source] : recipe.sources;
  return sources.reduce(
    (sum, source) => {
      const count = manifest.get(source);
      if (!count) throw new Error(`${source} is not in the fixtures' manifest`);
      return { min: sum.min + count.min, max: sum.max + count.max };
    },
    { min: 0, max: 0 },
  );
}

/**
 * One fixture scaled to fit a width×height cell (lanczos), after cropping at most 4% off each
 * side (never more: a face at the edge of a group photo must stay in it) and an optional mirror.
 */
async function fittedCell(source: string, width: number, height: number, rand: () => number, flip: boolean) {
  const file = path.join(FIXTURES, source);
  const { width: w = 0, height: h = 0 } = await sharp(file).metadata();
  const left = Math.floor(rand() * 0.04 * w);
  const top = Math.floor(rand() * 0.04 * h);
  const right = Math.floor(rand() * 0.04 * w);
  const bottom = Math.floor(rand() * 0.04 * h);
  const grey = Math.floor(20 + rand() * 60);
  return sharp(file)
    .extract({ left, top, width: w - left - right, height: h - top - bottom })
    .flop(flip)
    .resize(width, height, { fit: 'contain', kernel: 'lanczos3', background: { r: grey, g: grey, b: grey } })
    .removeAlpha()
    .toColourspace('srgb')
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** A grey-centred noise tile, overlaid (tiled) on every photo as grain. */
function grainTile(size: number, amplitude: number): Buffer {
  const rand = random(0x5eed);
  const tile = Buffer.alloc(size * size * 3);
  // The sum of two uniform draws is close enough to a bell curve for grain.
  for (let i = 0; i < tile.length; i++) tile[i] = 128 + Math.round((rand() + rand() - 1) * amplitude);
  return tile;
}

const GRAIN_SIZE = 509;
let grain: Buffer | undefined;

async function makePhoto(index: number, target: string): Promise<void> {
  const recipe = recipeFor(index);
  const rand = random(index + 1);
  const flip = Math.floor(index / 10) % 2 === 1;
  const quality = 85 + (index % 6);
  grain ??= grainTile(GRAIN_SIZE, 64);

  const cells =
    recipe.kind === 'single'
      ? [{ input: await fittedCell(recipe.source, PHOTO_WIDTH, PHOTO_HEIGHT, rand, flip), left: 0, top: 0 }]
      : await Promise.all(
          recipe.sources.map(async (source, k) => ({
            input: await fittedCell(source, PHOTO_WIDTH / 2, PHOTO_HEIGHT / 2, rand, flip),
            left: (k % 2) * (PHOTO_WIDTH / 2),
            top: Math.floor(k / 2) * (PHOTO_HEIGHT / 2),
          })),
        );
  // Composite into a raw canvas first: sharp applies one composite list, and the grain must go over all cells.
  const canvas = await sharp({
    create: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3, background: '#303030' },
  })
    .composite(cells)
    // Compositing adds an alpha channel; the raw canvas below is read as 3 channels.
    .removeAlpha()
    .raw()
    .toBuffer();
  await sharp(canvas, { raw: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3 } })
    .composite([
      {
        input: grain,
        raw: { width: GRAIN_SIZE, height: GRAIN_SIZE, channels: 3 },
        tile: true,
        blend: 'overlay',
      },
    ])
    .jpeg({ quality, mozjpeg: false })
    .toFile(target);
}

export function photoName(index: number): string {
  return `photo-${String(index + 1).padStart(4, '0')}.jpg`;
}

interface Marker {
  version: number;
  count: number;
}

function readMarker(dir: string): Marker | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

/**
 * Makes sure `dir` holds photos 1..count of the current generator version, making only what is
 * missing. A larger set made earlier is kept (its first `count` photos are the smaller set);
 * anything else in the folder is removed, since a scan indexes the whole folder.
 */
export async function ensurePhotoSet(dir: string, count: number): Promise<PhotoSet> {
  const manifest = faceCounts();
  const photoAt = (i: number) => path.join(dir, photoName(i));
  const marker = readMarker(dir);
  const cached = marker?.version === GENERATOR_VERSION ? marker.count : 0;
  const total = Math.max(cached, count);
  const indexes = Array.from({ length: total }, (_, i) => i);
  const set = (generatedMs: number | null): PhotoSet => ({
    dir,
    files: indexes.slice(0, count).map(photoAt),
    expectedFaces: indexes.slice(0, count).map((i) => expectedFacesFor(recipeFor(i), manifest)),
    holdsMore: total > count,
    generatedMs,
  });
  if (cached >= count && indexes.every((i) => fs.existsSync(photoAt(i)))) return set(null);

  const started = performance.now();
  if (marker && marker.version !== GENERATOR_VERSION) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, MARKER_FILE), { force: true });
  const wanted = new Set(indexes.map((i) => photoName(i)));
  for (const name of fs.readdirSync(dir)) {
    if (!wanted.has(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }

  const missing = indexes.filter((i) => !fs.existsSync(photoAt(i)));
  let made = 0;
  // One photo per core at a time: much of sharp's work on one image runs on a single thread.
  const lane = async () => {
    for (let i = missing.shift(); i !== undefined; i = missing.shift()) {
      // Written under a temporary name and renamed, so an interrupted run never leaves half a JPEG behind.
      const partial = `${photoAt(i)}.partial`;
      await makePhoto(i, partial);
      fs.renameSync(partial, photoAt(i));
      if (++made % 20 === 0) process.stderr.write(`  made ${made} photos\n`);
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() }, lane));
  fs.writeFileSync(
    path.join(dir, MARKER_FILE),
    JSON.stringify({ version: GENERATOR_VERSION, count: total } satisfies Marker),
  );
  return set(performance.now() - started);
}

/**
 * A folder of symbolic links to the first `count` photos, so that a configuration that is too
 * slow for the whole set runs on exactly the same files as the one it is compared with.
 */
export function linkSubset(set: PhotoSet, count: number, dir: string): PhotoSet {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = set.files.slice(0, count).map((file) => {
    const link = path.join(dir, path.basename(file));
    fs.symlinkSync(file, link);
    return link;
  });
  return {
    dir,
    files,
    expectedFaces: set.expectedFaces.slice(0, count),
    holdsMore: false,
    generatedMs: null,
  };
}
