import { describe, expect, it } from 'vitest';
import {
  groupFaces,
  type FaceFacts,
  type GroupingSource,
  type PersonFacts,
} from '../../../src/main/people/grouping';
import { ExactVectorIndex } from '../../../src/main/people/vector-index';
import { euclideanDistance } from '../../../src/main/vision/embedder';

/**
 * Grouping on hand-made 128-d points: each "person" is a centre, each face a small offset from
 * it, so the distances are chosen, not hoped for.
 */
const DIM = 128;

function unit(axis: number, length = 1): Float32Array {
  const v = new Float32Array(DIM);
  v[axis] = length;
  return v;
}

function offset(base: Float32Array, axis: number, amount: number): Float32Array {
  const v = Float32Array.from(base);
  v[axis] += amount;
  return v;
}

class World implements GroupingSource {
  readonly index = new ExactVectorIndex(DIM);
  readonly vectors = new Map<number, Float32Array>();
  readonly faces = new Map<number, FaceFacts>();
  readonly people = new Map<number, PersonFacts>();
  readonly rejections = new Set<string>();

  addFace(id: number, vector: Float32Array, facts: Partial<FaceFacts> = {}): void {
    this.vectors.set(id, vector);
    this.index.add(id, vector);
    this.faces.set(id, { id, personId: null, decided: false, canFound: true, takenAt: null, ...facts });
  }
  distance(a: number, b: number) {
    return euclideanDistance(this.vectors.get(a)!, this.vectors.get(b)!);
  }
  neighboursOf(faceId: number, k: number, maxDistance: number) {
    return this.index.search(this.vectors.get(faceId)!, k, maxDistance);
  }
  face(faceId: number) {
    return this.faces.get(faceId);
  }
  person(personId: number) {
    return this.people.get(personId);
  }
  isRejected(faceId: number, personId: number) {
    return this.rejections.has(`${faceId}:${personId}`);
  }
  voices(personId: number) {
    const named = this.people.get(personId)?.named;
    return [...this.faces.values()].filter((f) => f.personId === personId && (!named || f.decided)).length;
  }
}

/** Five faces spread 0.1–0.3 around a centre: all within 0.45 of each other. */
function addPerson(
  world: World,
  firstId: number,
  centre: Float32Array,
  facts: Partial<FaceFacts> = {},
  count = 5,
) {
  for (let i = 0; i < count; i++) world.addFace(firstId + i, offset(centre, 100 + i, 0.15 + 0.02 * i), facts);
}

const groupsOf = (assignments: Map<number, number>) => {
  const groups = new Map<number, number[]>();
  for (const [face, person] of assignments)
    groups.set(
      person,
      [...(groups.get(person) ?? []), face].sort((a, b) => a - b),
    );
  return [...groups.values()].sort((a, b) => a[0] - b[0]);
};

describe('groupFaces', () => {
  it('founds one person per tight group of faces, and leaves a lone face unassigned', () => {
    const world = new World();
    addPerson(world, 1, unit(0));
    addPerson(world, 11, unit(1));
    world.addFace(99, unit(2));
    const result = groupFaces(world, world.faces.keys());
    expect(result.newPeople).toBe(2);
    expect(groupsOf(result.assignments)).toEqual([
      [1, 2, 3, 4, 5],
      [11, 12, 13, 14, 15],
    ]);
    expect(result.assignments.has(99)).toBe(false);
    expect(result.considered.has(99)).toBe(true);
  });

  it('needs three faces to found a person; two stay waiting until a third arrives', () => {
    const world = new World();
    addPerson(world, 1, unit(0), {}, 2);
    expect(groupFaces(world, [1, 2]).newPeople).toBe(0);
    world.addFace(3, offset(unit(0), 120, 0.2));
    const later = groupFaces(world, [3]);
    expect(groupsOf(later.assignments)).toEqual([[1, 2, 3]]);
  });

  it('never lets small or unsure faces found a person, though they may join one', () => {
    const world = new World();
    addPerson(world, 1, unit(0), { canFound: false });
    expect(groupFaces(world, world.faces.keys()).newPeople).toBe(0);
    world.faces.set(1, { ...world.faces.get(1)!, canFound: true });
    expect(groupsOf(groupFaces(world, world.faces.keys()).assignments)).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('joins a new face to the person its neighbours belong to', () => {
    const world = new World();
    addPerson(world, 1, unit(0), { personId: 7 });
    world.people.set(7, { named: false, locked: false, birthDate: null });
    world.addFace(50, offset(unit(0), 110, 0.25));
    expect(groupFaces(world, [50]).assignments.get(50)).toBe(7);
  });

  it('matches a named person only through faces the user confirmed', () => {
    const world = new World();
    world.people.set(7, { named: true, locked: true, birthDate: null });
    // Automatic members of a named person do not vote…
    addPerson(world, 1, unit(0), { personId: 7 });
    world.addFace(50, offset(unit(0), 110, 0.25));
    expect(groupFaces(world, [50]).assignments.has(50)).toBe(false);
    // …confirmed ones do.
    for (let id = 1; id <= 5; id++) world.faces.set(id, { ...world.faces.get(id)!, decided: true });
    expect(groupFaces(world, [50]).assignments.get(50)).toBe(7);
  });

  it('suggests a named person for a face a little too far to assign', () => {
    const world = new World();
    world.people.set(7, { named: true, locked: true, birthDate: null });
    addPerson(world, 1, unit(0), { personId: 7, decided: true });
    // About 0.56 from the centre: past the join distance, inside the suggestion band.
    world.addFace(50, offset(unit(0), 110, 0.56));
    const result = groupFaces(world, [50]);
    expect(result.assignments.has(50)).toBe(false);
    expect(result.suggestions.get(50)).toMatchObject({ personId: 7 });
  });

  it('never assigns or suggests a person the face was rejected from', () => {
    const world = new World();
    world.people.set(7, { named: true, locked: true, birthDate: null });
    addPerson(world, 1, unit(0), { personId: 7, decided: true });
    world.addFace(50, offset(unit(0), 110, 0.25));
    world.rejections.add('50:7');
    const result = groupFaces(world, [50]);
    expect(result.assignments.has(50)).toBe(false);
    expect(result.suggestions.has(50)).toBe(false);
  });

  it('never matches a face to someone born after the photo was taken', () => {
    const world = new World();
    world.people.set(7, { named: true, locked: true, birthDate: '2010-06-01' });
    addPerson(world, 1, unit(0), { personId: 7, decided: true });
    world.addFace(50, offset(unit(0), 110, 0.25), { takenAt: '2009-12-24T18:00:00' });
    world.addFace(51, offset(unit(0), 111, 0.25), { takenAt: '2012-12-24T18:00:00' });
    const result = groupFaces(world, [50, 51]);
    expect(result.assignments.has(50)).toBe(false);
    expect(result.assignments.get(51)).toBe(7);
  });

  it('does not let one stray confirmed face pull a look-alike into a named person', () => {
    const world = new World();
    world.people.set(7, { named: true, locked: true, birthDate: null });
    addPerson(world, 1, unit(0), { personId: 7, decided: true });
    // A face of someone else, wrongly confirmed as person 7 by the user…
    world.addFace(20, unit(5), { personId: 7, decided: true });
    // …and a new face near that stray one only.
    world.addFace(21, offset(unit(5), 110, 0.3));
    expect(groupFaces(world, [21]).assignments.has(21)).toBe(false);
  });

  it('does not decide between two people who are equally close', () => {
    const world = new World();
    const a = unit(0);
    const b = offset(unit(0), 1, 0.75);
    addPerson(world, 1, a, { personId: 7 });
    addPerson(world, 11, b, { personId: 8 });
    world.people.set(7, { named: false, locked: false, birthDate: null });
    world.people.set(8, { named: false, locked: false, birthDate: null });
    // Halfway between the two centres: close to both, while their faces are ~0.8 apart.
    world.addFace(50, offset(unit(0), 1, 0.375));
    const result = groupFaces(world, [50]);
    expect(result.assignments.has(50)).toBe(false);
    expect(result.merges).toEqual([]);
  });

  it('merges two unnamed people that turn out to be one (grown from two seeds)', () => {
    const world = new World();
    addPerson(world, 1, unit(0), { personId: 7 });
    addPerson(world, 11, offset(unit(0), 1, 0.15), { personId: 8 });
    world.people.set(7, { named: false, locked: false, birthDate: null });
    world.people.set(8, { named: false, locked: false, birthDate: null });
    world.addFace(50, offset(unit(0), 1, 0.075));
    const result = groupFaces(world, [50]);
    expect(result.merges).toHaveLength(1);
    const [[from, into]] = result.merges;
    expect([from, into].sort()).toEqual([7, 8]);
    expect(result.assignments.get(50)).toBe(into);
  });

  it('never merges away a person the user named or corrected', () => {
    const world = new World();
    addPerson(world, 1, unit(0), { personId: 7, decided: true });
    addPerson(world, 11, offset(unit(0), 1, 0.15), { personId: 8 });
    world.people.set(7, { named: true, locked: true, birthDate: null });
    world.people.set(8, { named: false, locked: true, birthDate: null });
    world.addFace(50, offset(unit(0), 1, 0.075));
    expect(groupFaces(world, [50]).merges).toEqual([]);
  });

  it('never changes a face the user decided', () => {
    const world = new World();
    addPerson(world, 1, unit(0));
    world.faces.set(3, { ...world.faces.get(3)!, decided: true, personId: null });
    const result = groupFaces(world, world.faces.keys());
    expect(result.assignments.has(3)).toBe(false);
    expect(groupsOf(result.assignments)).toEqual([[1, 2, 4, 5]]);
  });
});
