/**
 * Synthetic 128-d face embeddings that look, to a nearest-neighbour search, like a family photo
 * library analysed by face-api's recognition net (dlib ResNet descriptors). Deterministic for a seed,
 * so benchmarks and tests can be repeated and compared. Used by bench/vector-index.ts and meant for
 * the people benchmark too.
 *
 * What real descriptors look like, and so what this models:
 * - Norms around 0.9–1.2, not unit length: every descriptor shares a common offset (`mean`), and an
 *   identity's centre sits around it.
 * - Same person: pairwise Euclidean distance ~0.3–0.55 (median ~0.42). Each face has its own spread
 *   (sharp frontal faces sit near the centre, blurry or profile ones further out), so distances vary
 *   from pair to pair instead of all being the same.
 * - Different people: 0.7–1.1. Identity centres are ~0.8–1.1 apart; a share of identities are
 *   relatives (siblings, parent and child) of another one, with centres only ~0.6–0.7 apart, whose faces
 *   then come within ~0.7–0.8 of each other: the hard cases near the 0.6 threshold.
 * - Face counts per person follow a power law: a family library has a few people with thousands of
 *   faces and many with a handful.
 * - Noise faces (false detections, strangers in the background) are each their own random "identity",
 *   far from everything.
 *
 * The within-identity noise is isotropic in all 128 dimensions, which makes distances concentrate
 * more than in real descriptors (whose variation lives in fewer dimensions). That is the harder case
 * for an approximate (graph) index, so results measured on these vectors are, if anything, pessimistic.
 */

export const DIMENSIONS = 128;

// Model constants (squared Euclidean lengths in the full 128-d space), chosen so the measured
// distances land where the header says; bench/vector-index.ts prints them.
/** |mean|: the offset shared by every descriptor. */
const MEAN_NORM = 0.8;
/** Typical distance between two unrelated identity centres. */
const CENTRE_DISTANCE = 0.86;
/** Per-identity "distinctiveness": scales the centre's offset from the mean by [1 - x, 1 + x]. */
const CENTRE_SCALE_SPREAD = 0.18;
/** Distance of a relative's centre from the centre of the identity it is related to. */
const RELATIVE_DISTANCE_RANGE: [number, number] = [0.58, 0.72];
/** Squared distance of one face from its identity centre, drawn uniformly from this range. */
const FACE_RADIUS_SQ: [number, number] = [0.04, 0.136];
/** Noise faces are further from their (private) centre. */
const NOISE_RADIUS_SQ: [number, number] = [0.08, 0.2];
/** Power-law exponent of faces per identity (rank r gets a weight of 1 / r^α). */
const SIZE_EXPONENT = 0.8;

/** A seeded PRNG (sfc32, seeded through splitmix32) with Gaussian samples (Box–Muller). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** A random vector whose expected squared length is `lengthSq` (isotropic Gaussian). */
function gaussianVector(
  rng: Rng,
  lengthSq: number,
  out: Float32Array = new Float32Array(DIMENSIONS),
): Float32Array {
  const sigma = Math.sqrt(lengthSq / DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) out[i] = rng.normal() * sigma;
  return out;
}

export function euclidean(a: Float32Array, b: Float32Array, aOffset = 0, bOffset = 0): number {
  let sum = 0;
  for (let i = 0; i < DIMENSIONS; i++) {
    const d = a[aOffset + i] - b[bOffset + i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export function norm(a: Float32Array, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < DIMENSIONS; i++) sum += a[offset + i] * a[offset + i];
  return Math.sqrt(sum);
}

export interface IdentityCentres {
  /** The offset shared by every descriptor. */
  mean: Float32Array;
  centres: Float32Array[];
  /** For a relative, the index of the identity it is related to; -1 otherwise. */
  relativeOf: Int32Array;
}

/**
 * `count` identity centres: a shared mean plus a per-identity offset; a share of them (`relativeShare`)
 * are relatives placed ~0.6–0.7 from an earlier identity's centre.
 */
export function identityCentres(count: number, seed: number, relativeShare = 0.1): IdentityCentres {
  const rng = new Rng(seed);
  const mean = gaussianVector(rng, 1);
  const meanScale = MEAN_NORM / norm(mean);
  for (let i = 0; i < DIMENSIONS; i++) mean[i] *= meanScale;

  const centres: Float32Array[] = [];
  const relativeOf = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const centre = new Float32Array(DIMENSIONS);
    if (i > 0 && rng.next() < relativeShare) {
      // Mix the related identity's offset from the mean with a fresh one of the same length: the
      // relative stays as typical a face as anyone (same norm), just closer to that one identity.
      let of = rng.int(i);
      while (relativeOf[of] !== -1) of = rng.int(i);
      relativeOf[i] = of;
      const distance = rng.uniform(RELATIVE_DISTANCE_RANGE[0], RELATIVE_DISTANCE_RANGE[1]);
      const base = centres[of];
      const baseOffset = new Float32Array(DIMENSIONS);
      for (let d = 0; d < DIMENSIONS; d++) baseOffset[d] = base[d] - mean[d];
      const length = norm(baseOffset);
      const fresh = gaussianVector(rng, 1);
      // Make `fresh` orthogonal to the base offset and as long, then |α·b + β·f - b|² = 2L²(1 - α).
      let dot = 0;
      for (let d = 0; d < DIMENSIONS; d++) dot += fresh[d] * baseOffset[d];
      for (let d = 0; d < DIMENSIONS; d++) fresh[d] -= (dot / (length * length)) * baseOffset[d];
      const freshScale = length / norm(fresh);
      const alpha = Math.max(-1, 1 - (distance * distance) / (2 * length * length));
      const beta = Math.sqrt(1 - alpha * alpha);
      for (let d = 0; d < DIMENSIONS; d++) {
        centre[d] = mean[d] + alpha * baseOffset[d] + beta * fresh[d] * freshScale;
      }
    } else {
      randomCentre(mean, rng, centre);
    }
    centres.push(centre);
  }
  return { mean, centres, relativeOf };
}

/** An unrelated identity's centre: the mean plus a random offset of the identity's distinctiveness. */
function randomCentre(mean: Float32Array, rng: Rng, out: Float32Array): Float32Array {
  const offsetSq = (CENTRE_DISTANCE * CENTRE_DISTANCE) / 2; // two such offsets are sqrt(2·L) apart
  const scale = 1 + rng.uniform(-CENTRE_SCALE_SPREAD, CENTRE_SCALE_SPREAD);
  gaussianVector(rng, offsetSq * scale * scale, out);
  for (let d = 0; d < DIMENSIONS; d++) out[d] += mean[d];
  return out;
}

/**
 * One face of the identity at `centre`: the centre plus isotropic noise of a per-face radius, written
 * into `out` at `offset` (a new vector when `out` is omitted).
 */
export function sampleFace(
  centre: Float32Array,
  rng: Rng,
  out: Float32Array = new Float32Array(DIMENSIONS),
  offset = 0,
  radiusSq: [number, number] = FACE_RADIUS_SQ,
): Float32Array {
  const sigma = Math.sqrt(rng.uniform(radiusSq[0], radiusSq[1]) / DIMENSIONS);
  for (let d = 0; d < DIMENSIONS; d++) out[offset + d] = centre[d] + rng.normal() * sigma;
  return out;
}

/** Faces per identity: a power law over ranks, at least 2 each, summing to exactly `total`. */
function identitySizes(identities: number, total: number): Int32Array {
  const sizes = new Int32Array(identities);
  if (identities === 0) return sizes;
  const weights = Array.from({ length: identities }, (_, r) => 1 / Math.pow(r + 1, SIZE_EXPONENT));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const floor = Math.min(2, Math.floor(total / identities));
  let assigned = 0;
  for (let i = 0; i < identities; i++) {
    sizes[i] = Math.max(floor, Math.floor((total * weights[i]) / weightSum));
    assigned += sizes[i];
  }
  // Settle the rounding on the largest identities (they absorb it without changing shape).
  for (let i = 0; assigned !== total; i = (i + 1) % identities) {
    if (assigned < total) {
      sizes[i]++;
      assigned++;
    } else if (sizes[i] > floor) {
      sizes[i]--;
      assigned--;
    }
  }
  return sizes;
}

export interface SyntheticFacesOptions {
  identities?: number;
  faces?: number;
  /** Share of faces that belong to nobody (random, far from everything). */
  noiseShare?: number;
  /** Share of identities that are relatives (centre ~0.6–0.7 from another identity's). */
  relativeShare?: number;
  seed?: number;
}

export interface SyntheticFaces {
  /** `faces * 128` floats, face i at `i * 128`, in random order (any suffix is a fair held-out set). */
  vectors: Float32Array;
  /** Identity index of each face, -1 for noise. */
  identity: Int32Array;
  centres: IdentityCentres;
}

export function syntheticFaces(options: SyntheticFacesOptions = {}): SyntheticFaces {
  const { identities = 3000, faces = 300_000, noiseShare = 0.05, relativeShare = 0.1, seed = 1 } = options;
  const centres = identityCentres(identities, seed, relativeShare);
  const rng = new Rng(seed ^ 0x5eed5eed);

  const noise = identities === 0 ? faces : Math.round(faces * noiseShare);
  const sizes = identitySizes(identities, faces - noise);
  const identity = new Int32Array(faces);
  let at = 0;
  for (let i = 0; i < identities; i++) identity.fill(i, at, (at += sizes[i]));
  identity.fill(-1, at);
  for (let i = faces - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const swap = identity[i];
    identity[i] = identity[j];
    identity[j] = swap;
  }

  const vectors = new Float32Array(faces * DIMENSIONS);
  const noiseCentre = new Float32Array(DIMENSIONS);
  for (let i = 0; i < faces; i++) {
    const id = identity[i];
    if (id >= 0) {
      sampleFace(centres.centres[id], rng, vectors, i * DIMENSIONS);
    } else {
      // A private centre drawn like an identity's: as far from every identity as they are from each other.
      randomCentre(centres.mean, rng, noiseCentre);
      sampleFace(noiseCentre, rng, vectors, i * DIMENSIONS, NOISE_RADIUS_SQ);
    }
  }
  return { vectors, identity, centres };
}

export interface Quantiles {
  count: number;
  min: number;
  p5: number;
  median: number;
  p95: number;
  max: number;
}

export function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    count: sorted.length,
    min: sorted[0] ?? NaN,
    p5: at(0.05),
    median: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export interface RealismStats {
  norms: Quantiles;
  sameIdentity: Quantiles;
  differentIdentity: Quantiles;
  /** Faces of an identity vs faces of its relative. */
  relatives: Quantiles;
  /** Noise face vs any other face. */
  noise: Quantiles;
  centres: Quantiles;
  /** Share of same-identity pairs within 0.6, and of different-identity pairs within 0.6. */
  sameWithin06: number;
  differentWithin06: number;
}

/** Samples pairwise distances (by random pairs, `samples` of each kind) so realism can be checked. */
export function realismStats(data: SyntheticFaces, samples = 20_000, seed = 7): RealismStats {
  const { vectors, identity, centres } = data;
  const rng = new Rng(seed);
  const n = identity.length;
  const byIdentity = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byIdentity.get(identity[i]);
    if (list) list.push(i);
    else byIdentity.set(identity[i], [i]);
  }
  const people = [...byIdentity.keys()].filter((k) => k >= 0 && byIdentity.get(k)!.length >= 2);
  const noiseFaces = byIdentity.get(-1) ?? [];
  const pick = (list: number[]): number => list[rng.int(list.length)];

  const norms: number[] = [];
  const same: number[] = [];
  const different: number[] = [];
  const relatives: number[] = [];
  const noise: number[] = [];
  const centreDistances: number[] = [];
  const relativePairs: [number, number][] = [];
  centres.relativeOf.forEach((of, i) => {
    if (of >= 0 && byIdentity.has(i) && byIdentity.has(of)) relativePairs.push([i, of]);
  });
  const count = centres.centres.length;

  for (let s = 0; s < samples; s++) {
    norms.push(norm(vectors, rng.int(n) * DIMENSIONS));
    if (people.length > 0) {
      // Pairs are drawn per identity (not per face) so that small identities are represented.
      const faces = byIdentity.get(people[rng.int(people.length)])!;
      const a = rng.int(faces.length);
      let b = rng.int(faces.length - 1);
      if (b >= a) b++;
      same.push(euclidean(vectors, vectors, faces[a] * DIMENSIONS, faces[b] * DIMENSIONS));
    }
    const a = rng.int(n);
    const b = rng.int(n);
    if (identity[a] !== identity[b] || identity[a] === -1) {
      if (a !== b) different.push(euclidean(vectors, vectors, a * DIMENSIONS, b * DIMENSIONS));
    }
    if (relativePairs.length > 0) {
      const [x, y] = relativePairs[rng.int(relativePairs.length)];
      relatives.push(
        euclidean(
          vectors,
          vectors,
          pick(byIdentity.get(x)!) * DIMENSIONS,
          pick(byIdentity.get(y)!) * DIMENSIONS,
        ),
      );
    }
    if (noiseFaces.length > 0) {
      const face = pick(noiseFaces);
      const other = rng.int(n);
      if (other !== face) noise.push(euclidean(vectors, vectors, face * DIMENSIONS, other * DIMENSIONS));
    }
    if (count >= 2) {
      const x = rng.int(count);
      const y = rng.int(count);
      if (x !== y && centres.relativeOf[x] !== y && centres.relativeOf[y] !== x) {
        centreDistances.push(euclidean(centres.centres[x], centres.centres[y]));
      }
    }
  }
  const share = (values: number[]): number =>
    values.length === 0 ? NaN : values.filter((d) => d < 0.6).length / values.length;
  return {
    norms: quantiles(norms),
    sameIdentity: quantiles(same),
    differentIdentity: quantiles(different),
    relatives: quantiles(relatives),
    noise: quantiles(noise),
    centres: quantiles(centreDistances),
    sameWithin06: share(same),
    differentWithin06: share(different),
  };
}

/** The stats as aligned text lines, for a benchmark's report. */
export function formatRealism(stats: RealismStats): string {
  const row = (name: string, q: Quantiles): string =>
    `  ${name.padEnd(26)} ${[q.min, q.p5, q.median, q.p95, q.max]
      .map((v) => v.toFixed(3).padStart(6))
      .join(' ')}   (${q.count} samples)`;
  return [
    `  ${''.padEnd(26)} ${['min', 'p5', 'median', 'p95', 'max'].map((h) => h.padStart(6)).join(' ')}`,
    row('norm', stats.norms),
    row('same identity', stats.sameIdentity),
    row('different identity', stats.differentIdentity),
    row('relatives (e.g. siblings)', stats.relatives),
    row('noise face vs any', stats.noise),
    row('identity centres', stats.centres),
    `  same-identity pairs < 0.6: ${(stats.sameWithin06 * 100).toFixed(1)}%, ` +
      `different-identity pairs < 0.6: ${(stats.differentWithin06 * 100).toFixed(3)}%`,
  ].join('\n');
}
