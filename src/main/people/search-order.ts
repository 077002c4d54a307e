/**
 * An order for a batch of neighbour searches in which similar faces come one after another.
 *
 * An HNSW search is bound by memory, not arithmetic: it visits a few thousand vectors and graph
 * nodes scattered through an index of hundreds of megabytes. Faces of one person visit much the
 * same nodes, so searching them back to back finds those nodes still in the CPU's caches. Faces
 * arrive in photo order (many people mixed), so the order is made here, from a locality-sensitive
 * hash: the signs of each embedding's projections on a few fixed random directions through the
 * batch's centre, as one integer to sort by. Close faces mostly share all those signs.
 *
 * Measured on 100,000 synthetic faces of 1,000 people (20,000 queries, a loaded machine), per
 * query: 0.73–0.88 ms in arrival order, 0.40–0.51 ms grouped by person.
 */

/**
 * More directions separate more people, until one person's faces start to be split between codes;
 * on synthetic sets of 60 and 1,000 people, a run of 64 searches visits 9 and 13 people at 16 bits
 * (39 and 62 in arrival order), no fewer at 20, and 10 and 33 at 6.
 */
const HASH_BITS = 16;
/** Enough faces to place the centre of the batch, read once more for it. */
const CENTRE_SAMPLE = 1024;

/**
 * The positions 0..count-1 of `embeddingAt`'s faces, reordered so similar faces are adjacent.
 * Deterministic: the same faces give the same order on every run.
 */
export function searchOrder(
  count: number,
  embeddingAt: (position: number) => Float32Array,
  bits = HASH_BITS,
): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (count < 2) return order;

  const first = embeddingAt(0);
  const dimensions = first.length;
  const centre = new Float64Array(dimensions);
  const sampled = Math.min(count, CENTRE_SAMPLE);
  const stride = count / sampled;
  for (let s = 0; s < sampled; s++) {
    const vector = embeddingAt(Math.floor(s * stride));
    for (let d = 0; d < dimensions; d++) centre[d] += vector[d] / sampled;
  }

  const directions = randomDirections(bits, dimensions);
  const codes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const vector = embeddingAt(i);
    let code = 0;
    for (let bit = 0; bit < bits; bit++) {
      let projection = 0;
      const offset = bit * dimensions;
      for (let d = 0; d < dimensions; d++) projection += (vector[d] - centre[d]) * directions[offset + d];
      code = (code << 1) | (projection > 0 ? 1 : 0);
    }
    codes[i] = code;
  }
  return order.sort((a, b) => codes[a] - codes[b] || a - b);
}

/** Fixed pseudo-random Gaussian directions (a seeded generator: no run differs from another). */
function randomDirections(count: number, dimensions: number): Float64Array {
  let state = 0x9e3779b9;
  const uniform = () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  const directions = new Float64Array(count * dimensions);
  for (let i = 0; i < directions.length; i++) {
    directions[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return directions;
}
