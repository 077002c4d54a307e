/**
 * The synthetic library of `npm run bench:people`: 100,000 indexed photos holding 300,000 faces whose
 * embeddings come from bench/synthetic-embeddings.ts, written straight into SQLite (no vision
 * pipeline: this benchmark is about people, not detection).
 *
 * Faces are placed in photos by family: identities are grouped into families of ~5 (consecutive
 * identity indices, so the biggest identities form one household, as in a real family library), and
 * a photo's faces come mostly from one family. That makes the biggest people co-occur in thousands
 * of photos, which is what `photos --person A --person B` is about.
 *
 * Building takes a while, so the result is cached under .bench/people-<faces>/ with a marker that
 * names the generator version and parameters; a run copies the cached database and never writes to it.
 *
 * Files in the cache:
 * - library.db: photos and faces, all faces ungrouped (`grouped = 0`), no people.
 * - truth.bin: Int32Array, the synthetic identity of face id i at index i (-1 for noise faces).
 * - new-photos.json: the photos a later "scan" adds (with their faces' embeddings and identities),
 *   to time the grouping of new faces against a grouped library.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Box } from '../src/common/api';
import { MIGRATIONS } from '../src/main/db/migrations';
import { openDatabase, type LibraryDatabase } from '../src/main/db/open';
import { floatsToBlob } from '../src/main/repositories/blobs';
import { DIMENSIONS, identityCentres, Rng, sampleFace, syntheticFaces } from './synthetic-embeddings';

/** Bump whenever the generator writes something different: it invalidates every cache. */
const GENERATOR_VERSION = 1;

export interface LibraryParams {
  photos: number;
  faces: number;
  identities: number;
  /** Share of faces that are nobody (false detections, strangers). */
  noiseShare: number;
  familySize: number;
  /** Share of a photo's faces (after the first) drawn from the first face's family. */
  familyShare: number;
  /** The later "scan": this many photos with this many faces… */
  newPhotos: number;
  newFaces: number;
  /** …of which this many people nobody has seen before, with `newIdentityFaces` faces each. */
  newIdentities: number;
  newIdentityFaces: number;
  seed: number;
}

export const DEFAULT_PARAMS: LibraryParams = {
  photos: 100_000,
  faces: 300_000,
  identities: 3_000,
  noiseShare: 0.05,
  familySize: 5,
  familyShare: 0.85,
  newPhotos: 330,
  newFaces: 1_000,
  newIdentities: 10,
  newIdentityFaces: 5,
  seed: 1,
};

export const FOLDER_PATH = '/home/alex/Pictures';
/** Every row written by the generator was "analysed" at this moment. */
const ANALYSED_AT = '2026-03-01T09:00:00.000Z';
const LANDMARKS = Buffer.alloc(544);

/** Share of faces per photo count 0..8 (mean ≈ 3.1; the exact total is settled afterwards). */
const FACES_PER_PHOTO = [0.08, 0.16, 0.2, 0.18, 0.14, 0.1, 0.07, 0.04, 0.03];
const MAX_FACES_PER_PHOTO = FACES_PER_PHOTO.length - 1;

export interface FacePlan {
  box: Box;
  score: number;
  /** Synthetic identity, -1 for noise. */
  identity: number;
  embedding: Float32Array;
}

export interface PhotoPlan {
  path: string;
  width: number;
  height: number;
  takenAt: string | null;
  camera: string | null;
  size: number;
  mtimeMs: number;
  contentHash: string;
  faces: FacePlan[];
}

export interface CachedLibrary {
  dir: string;
  databaseFile: string;
  /** Synthetic identity by face id (index = face id). */
  truth: Int32Array;
  newPhotos: PhotoPlan[];
}

export function cacheDirFor(root: string, params: LibraryParams): string {
  return path.join(root, '.bench', `people-${Math.round(params.faces / 1000)}k`);
}

/** The marker's content: a cache is valid only for exactly this generator, schema and parameters. */
function markerFor(params: LibraryParams): string {
  return JSON.stringify({ generator: GENERATOR_VERSION, schema: MIGRATIONS.length, params });
}

export function isCacheValid(dir: string, params: LibraryParams): boolean {
  try {
    return fs.readFileSync(path.join(dir, 'marker.json'), 'utf8') === markerFor(params);
  } catch {
    return false;
  }
}

export function loadCache(dir: string): CachedLibrary {
  const raw = fs.readFileSync(path.join(dir, 'truth.bin'));
  const truth = new Int32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'new-photos.json'), 'utf8')) as (Omit<
    PhotoPlan,
    'faces'
  > & { faces: (Omit<FacePlan, 'embedding'> & { embedding: number[] })[] })[];
  const newPhotos = stored.map((photo) => ({
    ...photo,
    faces: photo.faces.map((face) => ({ ...face, embedding: Float32Array.from(face.embedding) })),
  }));
  return { dir, databaseFile: path.join(dir, 'library.db'), truth, newPhotos };
}

// ---------------------------------------------------------------- building

/**
 * Writes the whole cache: generates the embeddings, places faces in photos, inserts everything in
 * one transaction. The marker is written last, so an interrupted build is never mistaken for a cache.
 */
export function buildCache(dir: string, params: LibraryParams, log: (line: string) => void): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const lap = (what: string) => log(`  ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  // One draw for old and new faces: the new ones are a held-out suffix of the same distribution
  // (≈95% existing identities, 5% noise); people never seen before are added to them below.
  const heldOut = params.newFaces - params.newIdentities * params.newIdentityFaces;
  const data = syntheticFaces({
    identities: params.identities,
    faces: params.faces + heldOut,
    noiseShare: params.noiseShare,
    seed: params.seed,
  });
  lap('embeddings generated');

  const rng = new Rng(params.seed ^ 0x7e0b1e);
  const counts = faceCounts(rng, params.photos, params.faces);
  const order = placeFaces(rng, counts, data.identity.subarray(0, params.faces), params);
  lap('faces placed in photos');

  const db = openDatabase(path.join(dir, 'library.db'));
  const truth = new Int32Array(params.faces + 1).fill(-1);
  try {
    // No journal while bulk loading a throwaway file: a crash just means building again.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    const writer = libraryWriter(db);
    db.transaction(() => {
      const folderId = writer.folder(FOLDER_PATH);
      let next = 0;
      for (let p = 0; p < params.photos; p++) {
        const indices = Array.from(order.subarray(next, (next += counts[p])));
        const photo = planPhoto(rng, p, indices, (i) => ({
          identity: data.identity[i],
          embedding: data.vectors.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS),
        }));
        const ids = writer.photo(folderId, photo);
        ids.forEach((id, k) => (truth[id] = photo.faces[k].identity));
      }
    })();
    lap(`${params.photos} photos and ${params.faces} faces written`);
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  fs.writeFileSync(path.join(dir, 'truth.bin'), Buffer.from(truth.buffer));

  const newPhotos = planNewPhotos(rng, params, data);
  fs.writeFileSync(
    path.join(dir, 'new-photos.json'),
    JSON.stringify(
      newPhotos.map((photo) => ({
        ...photo,
        faces: photo.faces.map((face) => ({ ...face, embedding: Array.from(face.embedding) })),
      })),
    ),
  );
  fs.writeFileSync(path.join(dir, 'marker.json'), markerFor(params));
  lap('cache written');
}

/** Faces per photo, 0..8 with FACES_PER_PHOTO's shape, adjusted at random to sum to exactly `faces`. */
function faceCounts(rng: Rng, photos: number, faces: number): Uint8Array {
  if (faces > photos * MAX_FACES_PER_PHOTO) throw new Error(`${faces} faces do not fit in ${photos} photos`);
  const counts = new Uint8Array(photos);
  let total = 0;
  for (let p = 0; p < photos; p++) {
    let u = rng.next();
    let k = 0;
    while (k < MAX_FACES_PER_PHOTO && u >= FACES_PER_PHOTO[k]) u -= FACES_PER_PHOTO[k++];
    counts[p] = k;
    total += k;
  }
  while (total !== faces) {
    const p = rng.int(photos);
    if (total < faces && counts[p] < MAX_FACES_PER_PHOTO) {
      counts[p]++;
      total++;
    } else if (total > faces && counts[p] > 0) {
      counts[p]--;
      total--;
    }
  }
  return counts;
}

/**
 * A set of face indices with O(1) random draw and removal, split into parts (one per family) that
 * share one position array: each face is in at most one part.
 */
class PartitionedPool {
  private readonly items: Int32Array[];
  private readonly sizes: Int32Array;
  private readonly position: Int32Array;

  constructor(partOf: (face: number) => number, parts: number, faces: number) {
    const sizes = new Int32Array(parts);
    for (let f = 0; f < faces; f++) if (partOf(f) >= 0) sizes[partOf(f)]++;
    this.items = Array.from(sizes, (size) => new Int32Array(size));
    this.sizes = new Int32Array(parts);
    this.position = new Int32Array(faces).fill(-1);
    for (let f = 0; f < faces; f++) {
      const part = partOf(f);
      if (part < 0) continue;
      this.position[f] = this.sizes[part];
      this.items[part][this.sizes[part]++] = f;
    }
  }

  random(part: number, rng: Rng): number | undefined {
    const size = this.sizes[part];
    return size === 0 ? undefined : this.items[part][rng.int(size)];
  }

  remove(part: number, face: number): void {
    const at = this.position[face];
    if (part < 0 || at < 0) return;
    const last = this.items[part][--this.sizes[part]];
    this.items[part][at] = last;
    this.position[last] = at;
    this.position[face] = -1;
  }
}

/**
 * The order faces are written in: photo by photo, `counts[p]` faces each. A photo's first face is
 * drawn from all remaining faces; the rest mostly from that face's family, one face per person.
 * Returns face indices (into the synthetic data) in that order.
 */
function placeFaces(rng: Rng, counts: Uint8Array, identity: Int32Array, params: LibraryParams): Int32Array {
  const n = identity.length;
  const familyOf = (face: number) =>
    identity[face] < 0 ? -1 : Math.floor(identity[face] / params.familySize);
  const families = Math.ceil(params.identities / params.familySize);
  const everyone = new PartitionedPool(() => 0, 1, n);
  const byFamily = new PartitionedPool(familyOf, families, n);
  const take = (face: number) => {
    everyone.remove(0, face);
    byFamily.remove(familyOf(face), face);
  };
  const order = new Int32Array(n);
  let at = 0;
  for (const count of counts) {
    const present = new Set<number>();
    let family = -1;
    for (let k = 0; k < count; k++) {
      const fromFamily = k > 0 && family >= 0 && rng.next() < params.familyShare;
      const face = drawDistinct(rng, present, identity, () =>
        fromFamily ? (byFamily.random(family, rng) ?? everyone.random(0, rng)) : everyone.random(0, rng),
      );
      if (k === 0) family = familyOf(face);
      if (identity[face] >= 0) present.add(identity[face]);
      take(face);
      order[at++] = face;
    }
  }
  return order;
}

/** A face whose person is not in the photo yet (a few tries; a repeat is accepted rather than loop). */
function drawDistinct(
  rng: Rng,
  present: Set<number>,
  identity: Int32Array,
  draw: () => number | undefined,
): number {
  let face = draw()!;
  for (let tries = 0; tries < 8 && identity[face] >= 0 && present.has(identity[face]); tries++)
    face = draw()!;
  return face;
}

const CAMERAS: [fromYear: number, name: string, width: number, height: number][] = [
  [1975, 'Scanned print', 1800, 1200],
  [2001, 'Canon PowerShot A70', 2048, 1536],
  [2008, 'NIKON D90', 4288, 2848],
  [2014, 'iPhone 6', 3264, 2448],
  [2019, 'Pixel 4', 4032, 3024],
];

/** A plausible photo: EXIF date (recent years weigh more), a camera of its era, a dated folder. */
function planPhoto(
  rng: Rng,
  n: number,
  faceIndices: readonly number[],
  faceData: (index: number) => { identity: number; embedding: Float32Array },
  prefix = 'IMG',
): PhotoPlan {
  const year = Math.min(2026, 1975 + Math.floor(52 * Math.sqrt(rng.next())));
  const date = new Date(Date.UTC(year, rng.int(12), 1 + rng.int(28), rng.int(24), rng.int(60), rng.int(60)));
  const undated = rng.next() < 0.08;
  const camera = [...CAMERAS].reverse().find(([from]) => year >= from)!;
  const portrait = rng.next() < 0.3;
  const [width, height] = portrait ? [camera[3], camera[2]] : [camera[2], camera[3]];
  const iso = date.toISOString().slice(0, 19);
  const file = `${prefix}_${String(n).padStart(6, '0')}.jpg`;
  const dir = undated ? 'Unsorted' : `${year}/${iso.slice(0, 10)}`;
  return {
    path: `${FOLDER_PATH}/${dir}/${file}`,
    width,
    height,
    takenAt: undated ? null : iso,
    camera: undated ? null : camera[1],
    size: 800_000 + rng.int(5_000_000),
    mtimeMs: date.getTime(),
    contentHash: hashLike(rng),
    faces: faceIndices.map((index) => ({ ...faceData(index), ...faceBox(rng, width, height) })),
  };
}

/** Most faces are big and sure enough to found a person (≥ 50 px, score ≥ 0.7); about 1 in 10 is not. */
function faceBox(rng: Rng, photoWidth: number, photoHeight: number): { box: Box; score: number } {
  const largest = Math.min(photoWidth, photoHeight) / 2;
  const side = rng.next() < 0.1 ? 24 + rng.int(26) : 50 * Math.pow(largest / 50, rng.next());
  const width = Math.round(side);
  const height = Math.round(side * 1.15);
  const score = rng.next() < 0.08 ? 0.5 + 0.2 * rng.next() : 0.7 + 0.3 * Math.sqrt(rng.next());
  return {
    box: { x: rng.int(photoWidth - width), y: rng.int(photoHeight - height), width, height },
    score: Math.round(score * 1e4) / 1e4,
  };
}

function hashLike(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 8; i++)
    hex += Math.floor(rng.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return hex;
}

/**
 * The photos of the later scan: the held-out faces (existing identities and noise) plus a few people
 * never seen before, each with enough faces to found a person, shuffled together.
 */
function planNewPhotos(
  rng: Rng,
  params: LibraryParams,
  data: ReturnType<typeof syntheticFaces>,
): PhotoPlan[] {
  const faces: { identity: number; embedding: Float32Array }[] = [];
  for (let i = params.faces; i < data.identity.length; i++) {
    faces.push({
      identity: data.identity[i],
      embedding: data.vectors.slice(i * DIMENSIONS, (i + 1) * DIMENSIONS),
    });
  }
  // identityCentres is sequential: its first `identities` centres are the library's, the rest are new.
  const centres = identityCentres(params.identities + params.newIdentities, params.seed).centres;
  for (let j = 0; j < params.newIdentities; j++) {
    for (let k = 0; k < params.newIdentityFaces; k++) {
      const identity = params.identities + j;
      faces.push({ identity, embedding: sampleFace(centres[identity], rng) });
    }
  }
  for (let i = faces.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [faces[i], faces[j]] = [faces[j], faces[i]];
  }
  const counts = faceCounts(rng, params.newPhotos, faces.length);
  let next = 0;
  return Array.from(counts, (count, p) => {
    const indices = Array.from({ length: count }, () => next++);
    return planPhoto(rng, p, indices, (i) => faces[i], 'NEW');
  });
}

/** Prepared inserts for folders, photos and faces, as the scanner would have written them. */
export function libraryWriter(db: LibraryDatabase) {
  const folderStmt = db.prepare(`INSERT INTO folders (path, added_at, last_scan_at) VALUES (?, ?, ?)`);
  const photoStmt = db.prepare(
    `INSERT INTO photos (folder_id, path, size, mtime_ms, content_hash, width, height, taken_at, camera, status,
                         analysed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'indexed', ?)`,
  );
  const faceStmt = db.prepare(
    `INSERT INTO faces (photo_id, x, y, width, height, score, landmarks, embedding, created_at, source, grouped)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'detected', 0)`,
  );
  return {
    folder: (folderPath: string) =>
      Number(folderStmt.run(folderPath, ANALYSED_AT, ANALYSED_AT).lastInsertRowid),
    /** Inserts the photo and its faces; returns the faces' ids in order. */
    photo(folderId: number, photo: PhotoPlan): number[] {
      const photoId = photoStmt.run(
        folderId,
        photo.path,
        photo.size,
        photo.mtimeMs,
        photo.contentHash,
        photo.width,
        photo.height,
        photo.takenAt,
        photo.camera,
        ANALYSED_AT,
      ).lastInsertRowid;
      return photo.faces.map(({ box, score, embedding }) =>
        Number(
          faceStmt.run(
            photoId,
            box.x,
            box.y,
            box.width,
            box.height,
            score,
            LANDMARKS,
            floatsToBlob(embedding),
            ANALYSED_AT,
          ).lastInsertRowid,
        ),
      );
    },
  };
}
