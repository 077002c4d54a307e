/**
 * Nearest-neighbour search over face embeddings (128-d float32 dlib descriptors, compared by
 * Euclidean distance; same person below ~0.6). The people feature asks, for every new face, for its
 * k nearest existing faces within a maximum distance, and must answer in under 2 ms at 300,000 faces
 * on 2 cores. See docs/people-index.md for the measurements behind the choice:
 *
 * - `HnswVectorIndex` (the default): usearch's HNSW graph, a native N-API module (prebuilt, so it
 *   loads in Node and in Electron alike). ~0.8 ms a query at 300k faces, but approximate (~99.5% of
 *   the true neighbours within 0.5 found).
 * - `ExactVectorIndex`: brute force over one packed Float32Array, as fast as plain JS gets (squared
 *   distances, 8-way unrolled, early exit once a candidate cannot make the top k). Exact, but ~30 ms
 *   a query at 300k faces (every query reads all 146 MB): fine for tests and small libraries (under
 *   2 ms up to ~20k faces), and the fallback when the native module cannot be loaded.
 *
 * This module is pure on purpose: no SQLite, no Electron, no files. The embeddings stay in SQLite
 * (faces.embedding) as the source of truth; an index is a cache that the caller rebuilds from those
 * BLOBs (at startup, `addMany`) and keeps current with `add`/`remove` as faces come and go, so it
 * never has to be saved or migrated. Building the graph is the expensive part (300k faces: minutes
 * on 2 cores, ~1 ms per single add), so build once per process, in bulk, off the UI thread.
 *
 * Ids are the faces' ids (SQLite rowids): non-negative safe integers. Adding an id that is already
 * present replaces its vector (a re-analysed face keeps its id and gets a new embedding), so callers
 * never have to remove first.
 */
import type * as USearch from 'usearch';

export interface Neighbour {
  id: number;
  /** True Euclidean distance (not squared). */
  distance: number;
}

export interface VectorIndex {
  readonly dimensions: number;
  /** Number of vectors in the index. */
  readonly size: number;
  /** Adds a vector, or replaces the vector of an id already present. */
  add(id: number, vector: Float32Array): void;
  /**
   * Adds many vectors at once (`ids.length * dimensions` floats, row i for ids[i]); the native index
   * builds in parallel, which is what a rebuild from SQLite should use.
   */
  addMany(ids: ArrayLike<number>, vectors: Float32Array): void;
  /** Removes an id; removing an absent id is a no-op. Returns whether it was present. */
  remove(id: number): boolean;
  has(id: number): boolean;
  /**
   * The `k` nearest vectors to `vector`, nearest first, with their Euclidean distances, keeping only
   * those within `maxDistance` (inclusive). Excludes nothing: a query for a face that is in the index
   * finds that face itself at distance 0, and the caller filters its own id.
   */
  search(vector: Float32Array, k: number, maxDistance?: number): Neighbour[];
  /** `search` for many vectors at once (`count` rows of `dimensions`); the native index spreads them over all cores. */
  searchMany(vectors: Float32Array, count: number, k: number, maxDistance?: number): Neighbour[][];
}

export const DEFAULT_DIMENSIONS = 128;

function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new RangeError(`vector index ids are non-negative safe integers, got ${id}`);
  }
}

function checkVector(vector: Float32Array, dimensions: number): void {
  if (!(vector instanceof Float32Array) || vector.length !== dimensions) {
    throw new RangeError(`expected a Float32Array of ${dimensions} values`);
  }
}

function checkK(k: number): boolean {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  return k > 0;
}

/**
 * Exact brute force. The vectors live packed in one Float32Array (slot i at i * dimensions) so a
 * search is one linear scan; removal moves the last slot into the hole to keep it packed.
 */
export class ExactVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private data: Float32Array;
  /** Slot → id. */
  private ids: Float64Array;
  private readonly slots = new Map<number, number>();
  private count = 0;

  constructor(dimensions = DEFAULT_DIMENSIONS, initialCapacity = 1024) {
    if (!Number.isInteger(dimensions) || dimensions <= 0) throw new RangeError('dimensions must be > 0');
    this.dimensions = dimensions;
    const capacity = Math.max(1, initialCapacity);
    this.data = new Float32Array(capacity * dimensions);
    this.ids = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  add(id: number, vector: Float32Array): void {
    checkId(id);
    checkVector(vector, this.dimensions);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      this.reserve(this.count + 1);
      slot = this.count++;
      this.ids[slot] = id;
      this.slots.set(id, slot);
    }
    this.data.set(vector, slot * this.dimensions);
  }

  addMany(ids: ArrayLike<number>, vectors: Float32Array): void {
    const dims = this.dimensions;
    if (vectors.length !== ids.length * dims) throw new RangeError('vectors must hold ids.length rows');
    this.reserve(this.count + ids.length);
    for (let i = 0; i < ids.length; i++) this.add(ids[i], vectors.subarray(i * dims, (i + 1) * dims));
  }

  remove(id: number): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = --this.count;
    if (slot !== last) {
      const dims = this.dimensions;
      this.data.copyWithin(slot * dims, last * dims, (last + 1) * dims);
      const moved = this.ids[last];
      this.ids[slot] = moved;
      this.slots.set(moved, slot);
    }
    this.slots.delete(id);
    return true;
  }

  searchMany(vectors: Float32Array, count: number, k: number, maxDistance = Infinity): Neighbour[][] {
    return searchEach(this, vectors, count, k, maxDistance);
  }

  search(vector: Float32Array, k: number, maxDistance = Infinity): Neighbour[] {
    checkVector(vector, this.dimensions);
    if (!checkK(k) || this.count === 0 || !(maxDistance >= 0)) return [];
    const dims = this.dimensions;
    const data = this.data;
    const n = this.count;
    const q = vector;
    // The current k best, ascending by squared distance.
    const bestSq = new Float64Array(k);
    const bestSlot = new Int32Array(k);
    let found = 0;
    // A candidate is rejected as soon as its partial sum exceeds `bound`: the k-th best so far, or
    // maxDistance² before the top k is full. Checking every 32 dimensions keeps the branch cheap
    // while rejecting most far faces (~1.0 away, against ~0.6) after 32–64 of the 128 dimensions.
    const maxSq = maxDistance === Infinity ? Infinity : maxDistance * maxDistance;
    let bound = maxSq;
    const blocks8 = dims - (dims % 8);

    for (let slot = 0, base = 0; slot < n; slot++, base += dims) {
      let sum = 0;
      let j = 0;
      for (; j < blocks8; j += 8) {
        const d0 = data[base + j] - q[j];
        const d1 = data[base + j + 1] - q[j + 1];
        const d2 = data[base + j + 2] - q[j + 2];
        const d3 = data[base + j + 3] - q[j + 3];
        const d4 = data[base + j + 4] - q[j + 4];
        const d5 = data[base + j + 5] - q[j + 5];
        const d6 = data[base + j + 6] - q[j + 6];
        const d7 = data[base + j + 7] - q[j + 7];
        sum += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5 + d6 * d6 + d7 * d7;
        if ((j & 31) === 24 && sum > bound) break;
      }
      if (sum > bound) continue;
      for (; j < dims; j++) {
        const d = data[base + j] - q[j];
        sum += d * d;
      }
      if (sum > bound) continue;

      // Insert into the sorted top k (k is small: insertion is cheaper than a heap).
      let at = found < k ? found++ : k - 1;
      while (at > 0 && bestSq[at - 1] > sum) {
        bestSq[at] = bestSq[at - 1];
        bestSlot[at] = bestSlot[at - 1];
        at--;
      }
      bestSq[at] = sum;
      bestSlot[at] = slot;
      if (found === k) bound = Math.min(maxSq, bestSq[k - 1]);
    }

    const result: Neighbour[] = new Array(found);
    for (let i = 0; i < found; i++) {
      result[i] = { id: this.ids[bestSlot[i]], distance: Math.sqrt(bestSq[i]) };
    }
    return result;
  }

  private reserve(wanted: number): void {
    const capacity = this.ids.length;
    if (wanted <= capacity) return;
    const next = Math.max(wanted, capacity * 2);
    const data = new Float32Array(next * this.dimensions);
    data.set(this.data.subarray(0, this.count * this.dimensions));
    this.data = data;
    const ids = new Float64Array(next);
    ids.set(this.ids.subarray(0, this.count));
    this.ids = ids;
  }
}

function searchEach(
  index: VectorIndex,
  vectors: Float32Array,
  count: number,
  k: number,
  maxDistance: number,
) {
  const results: Neighbour[][] = [];
  for (let i = 0; i < count; i++) {
    results.push(
      index.search(vectors.subarray(i * index.dimensions, (i + 1) * index.dimensions), k, maxDistance),
    );
  }
  return results;
}

export interface HnswOptions {
  /**
   * Candidates kept while searching (HNSW's ef). Larger finds more of the true neighbours and costs
   * proportionally more time; measured at 300k faces in docs/people-index.md.
   */
  expansionSearch?: number;
  /** Candidates kept while inserting (ef_construction): a better graph for a slower build. */
  expansionAdd?: number;
  /** Graph degree (M). */
  connectivity?: number;
}

/**
 * Batches up to this many vectors are inserted one by one (see addMany). Measured with random
 * vectors on a 2-core machine: 5,000 one by one 0.80 s, as one batch on all cores 0.42 s; 20,000
 * one by one 8.0 s, as a batch 4.4 s.
 */
const ONE_BY_ONE_BATCH = 5_000;

/**
 * Chosen from the measurements in docs/people-index.md: at 300k faces on 2 cores, ef 96 costs
 * ~0.8 ms a query (64: ~0.7 ms but recall down to 99.0% and more missed matches; 128: ~1.1 ms).
 */
export const DEFAULT_HNSW: Required<HnswOptions> = {
  expansionSearch: 96,
  expansionAdd: 128,
  connectivity: 32,
};

type UsearchModule = typeof USearch;

/**
 * usearch's HNSW (L2², f32, no quantization: distances are exact for what it finds). Approximate:
 * it may miss a true neighbour; with the defaults at 300k faces it found 99.5% of the true top-10
 * neighbours within 0.5, and for ~1 query in 1,000 none of them (its search trapped in a
 * neighbouring cluster). M = 32 rather than usearch's 16: with 16, whole small clusters are missed
 * far more often.
 *
 * usearch's `remove` leaves a tombstone in the graph (its slot is reused by a later add), so heavy
 * churn costs a little recall and time until the next rebuild (10% re-added: -0.1% recall), never
 * a removed id in the results.
 */
export class HnswVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private readonly index: USearch.Index;
  private readonly ids = new Set<number>();
  /** usearch runs a batch on this many threads; a single add or search runs inline on the caller's. */
  private readonly threads: number;

  constructor(usearch: UsearchModule, dimensions = DEFAULT_DIMENSIONS, options: HnswOptions = {}) {
    const config = { ...DEFAULT_HNSW, ...options };
    this.dimensions = dimensions;
    this.index = new usearch.Index({
      dimensions,
      metric: usearch.MetricKind.L2sq,
      quantization: usearch.ScalarKind.F32,
      connectivity: config.connectivity,
      expansion_add: config.expansionAdd,
      expansion_search: config.expansionSearch,
      multi: false,
    });
    // Always the same count: usearch sizes its per-thread search contexts when it grows, and a
    // batch must never run on more threads than the contexts were sized for.
    this.threads = 0;
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(id: number, vector: Float32Array): void {
    checkId(id);
    checkVector(vector, this.dimensions);
    const key = BigInt(id);
    if (this.ids.has(id)) this.index.remove(key);
    this.index.add(key, vector, this.threads);
    this.ids.add(id);
  }

  addMany(ids: ArrayLike<number>, vectors: Float32Array): void {
    const dims = this.dimensions;
    if (vectors.length !== ids.length * dims) throw new RangeError('vectors must hold ids.length rows');
    // Replace semantics, as in add: within the batch the last row of an id wins.
    const lastRow = new Map<number, number>();
    for (let i = 0; i < ids.length; i++) {
      checkId(ids[i]);
      lastRow.set(ids[i], i);
    }
    if (lastRow.size === 0) return;
    const keys = new BigUint64Array(lastRow.size);
    let rows = vectors;
    if (lastRow.size !== ids.length) rows = new Float32Array(lastRow.size * dims);
    let at = 0;
    for (const [id, row] of lastRow) {
      keys[at] = BigInt(id);
      if (rows !== vectors) rows.set(vectors.subarray(row * dims, (row + 1) * dims), at * dims);
      if (this.ids.has(id)) this.index.remove(keys[at]);
      at++;
    }
    if (keys.length <= ONE_BY_ONE_BATCH) {
      // One vector at a time, in order: usearch's parallel insertion of a batch into a small graph
      // leaves nodes that searches then miss (40 face embeddings of 8 people: about half of the
      // builds lost true neighbours within the join distance, and grouping changed from run to
      // run), while adding them one by one gives the exact neighbours every time. (Not a batch
      // on one thread: usearch would then size its search contexts for one thread, and the
      // batch searches, which run on all cores, would fail.)
      for (let i = 0; i < keys.length; i++) {
        this.index.add(keys[i], rows.subarray(i * dims, (i + 1) * dims), this.threads);
      }
    } else {
      // A big library's rebuild keeps all cores.
      this.index.add(keys, rows, this.threads);
    }
    for (const id of lastRow.keys()) this.ids.add(id);
  }

  /** Writes the graph to `file` (usearch's format) and returns the ids it holds, for the caller to keep beside it. */
  saveGraph(file: string): Float64Array {
    this.index.save(file);
    return Float64Array.from(this.ids);
  }

  /** Replaces this (empty) index with a graph saved by saveGraph, and the ids saved with it. */
  loadGraph(file: string, ids: Float64Array): void {
    if (this.ids.size > 0) throw new Error('loadGraph needs an empty index');
    this.index.load(file);
    for (const id of ids) this.ids.add(id);
    if (Number(this.index.size()) !== this.ids.size) {
      this.ids.clear();
      throw new Error(`saved face index holds ${this.index.size()} vectors but ${ids.length} ids`);
    }
  }

  remove(id: number): boolean {
    if (!this.ids.has(id)) return false;
    this.index.remove(BigInt(id));
    this.ids.delete(id);
    return true;
  }

  searchMany(vectors: Float32Array, count: number, k: number, maxDistance = Infinity): Neighbour[][] {
    if (count === 0) return [];
    if (count === 1) return [this.search(vectors.subarray(0, this.dimensions), k, maxDistance)];
    checkVector(vectors.subarray(0, this.dimensions), this.dimensions);
    if (!checkK(k) || this.ids.size === 0 || !(maxDistance >= 0))
      return Array.from({ length: count }, () => []);
    // A batch runs on usearch's own threads (all cores): what regrouping a whole library needs.
    const matches = this.index.search(
      vectors.subarray(0, count * this.dimensions),
      k,
      0,
    ) as USearch.BatchMatches;
    const maxSq = maxDistance * maxDistance;
    const results: Neighbour[][] = [];
    for (let q = 0; q < count; q++) {
      const found = Number(matches.counts[q]);
      const row: Neighbour[] = [];
      for (let i = 0; i < found; i++) {
        const squared = matches.distances[q * k + i];
        if (squared > maxSq) break;
        row.push({ id: Number(matches.keys[q * k + i]), distance: Math.sqrt(Math.max(0, squared)) });
      }
      results.push(row);
    }
    return results;
  }

  search(vector: Float32Array, k: number, maxDistance = Infinity): Neighbour[] {
    checkVector(vector, this.dimensions);
    if (!checkK(k) || this.ids.size === 0 || !(maxDistance >= 0)) return [];
    const matches = this.index.search(vector, k, this.threads);
    const maxSq = maxDistance * maxDistance;
    const result: Neighbour[] = [];
    for (let i = 0; i < matches.keys.length; i++) {
      const squared = matches.distances[i];
      if (squared > maxSq) break; // ascending
      result.push({ id: Number(matches.keys[i]), distance: Math.sqrt(Math.max(0, squared)) });
    }
    return result;
  }
}

/**
 * Loads usearch lazily, so that a missing or broken native module (an unsupported platform, a bad
 * rebuild) degrades to the exact index instead of failing whoever imports this module. `require`
 * rather than `import`: the main process is bundled as CommonJS with usearch external, and a static
 * import would throw at load time, before any fallback could run.
 */
export function loadUsearch(): UsearchModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('usearch') as UsearchModule;
}

export interface CreateVectorIndexOptions extends HnswOptions {
  /** Brute force, no native module. */
  exact?: boolean;
  /** For tests: how the native module is loaded. */
  load?: () => UsearchModule;
}

/** The HNSW index, or the exact one (with a one-line warning) when usearch cannot be loaded. */
export function createVectorIndex(
  dimensions = DEFAULT_DIMENSIONS,
  options: CreateVectorIndexOptions = {},
): VectorIndex {
  const { exact = false, load = loadUsearch, ...hnsw } = options;
  if (exact) return new ExactVectorIndex(dimensions);
  let usearch: UsearchModule;
  try {
    usearch = load();
  } catch (error) {
    console.warn(
      `vector index: usearch unavailable (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); ` +
        'falling back to exact brute-force search',
    );
    return new ExactVectorIndex(dimensions);
  }
  return new HnswVectorIndex(usearch, dimensions, hnsw);
}
