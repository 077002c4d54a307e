import { describe, expect, it } from 'vitest';
import { searchOrder } from '../../../src/main/people/search-order';

/** Faces of `people` identities in random arrival order, spread like real descriptors (~0.35 apart within a person). */
function syntheticFaces(people: number, perPerson: number, seed = 11) {
  let state = seed;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const centres = Array.from({ length: people }, () =>
    Float32Array.from({ length: 128 }, () => gauss() * 0.09),
  );
  const identity: number[] = [];
  const vectors: Float32Array[] = [];
  for (let i = 0; i < people * perPerson; i++) {
    const person = Math.floor(uniform() * people);
    identity.push(person);
    vectors.push(Float32Array.from(centres[person], (value) => value + gauss() * 0.02));
  }
  return { identity, vectors };
}

/** How many different people an average run of 64 consecutive searches visits. */
const peoplePerWindow = (identity: number[], order: ArrayLike<number>) => {
  let sum = 0;
  let windows = 0;
  for (let start = 0; start + 64 <= order.length; start += 64, windows++) {
    sum += new Set(Array.from({ length: 64 }, (_, j) => identity[order[start + j]])).size;
  }
  return sum / windows;
};

describe('searchOrder', () => {
  const { identity, vectors } = syntheticFaces(60, 25);
  const order = searchOrder(vectors.length, (position) => vectors[position]);

  it('is a permutation of the batch, the same on every run', () => {
    expect([...order].sort((a, b) => a - b)).toEqual(vectors.map((_, i) => i));
    expect(searchOrder(vectors.length, (position) => vectors[position])).toEqual(order);
  });

  it("puts one person's faces next to each other far more often than arrival order does", () => {
    const arrival = vectors.map((_, i) => i);
    // 1,500 faces of 60 people: 64 faces in arrival order hold ~38 people; grouped, ~9.
    expect(peoplePerWindow(identity, arrival)).toBeGreaterThan(30);
    expect(peoplePerWindow(identity, order)).toBeLessThan(15);
  });

  it('handles batches of zero and one face', () => {
    expect([...searchOrder(0, () => new Float32Array(128))]).toEqual([]);
    expect([...searchOrder(1, () => new Float32Array(128))]).toEqual([0]);
  });
});
