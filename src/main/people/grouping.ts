import { GROUPING } from './thresholds';

/** What grouping needs to know about one face. */
export interface FaceFacts {
  id: number;
  personId: number | null;
  /** The user decided this face's person (or that it has none): grouping never touches it. */
  decided: boolean;
  /** Big and sure enough to found a new person. */
  canFound: boolean;
  /** ISO date-time the photo was taken, when known. */
  takenAt: string | null;
}

export interface PersonFacts {
  named: boolean;
  /** The user named, hid, dated or corrected this person: grouping may add faces, never merge it away. */
  locked: boolean;
  /** YYYY-MM-DD or null. */
  birthDate: string | null;
}

export interface Neighbour {
  id: number;
  distance: number;
}

/** Everything grouping reads, behind an interface so it runs the same on SQLite or on test data. */
export interface GroupingSource {
  /**
   * The faces nearest to a face (itself included, at 0), ascending by distance, at most `k`, none
   * farther than `maxDistance`.
   */
  neighboursOf(faceId: number, k: number, maxDistance: number): Neighbour[];
  face(faceId: number): FaceFacts | undefined;
  person(personId: number): PersonFacts | undefined;
  isRejected(faceId: number, personId: number): boolean;
  /** How many faces speak for a person: a named person's confirmed faces, an unnamed one's members. */
  voices(personId: number): number;
  distance(faceA: number, faceB: number): number;
}

export interface GroupingResult {
  /** Face → person. New people have negative ids, numbered -1, -2, … in order of founding. */
  assignments: Map<number, number>;
  newPeople: number;
  /** Face → the named person it may be. */
  suggestions: Map<number, Neighbour & { personId: number }>;
  /** Every face grouping looked at. */
  considered: Set<number>;
  /** Existing unnamed people found to be one: [merged away, kept]. */
  merges: [number, number][];
}

/**
 * Incremental, density-based grouping in the spirit of Immich's DBSCAN-derived clustering:
 * a face joins the person its nearest neighbours belong to; without one, a face with enough
 * close unassigned neighbours founds a new person with them; otherwise it waits, and is looked at
 * again whenever a neighbour of it gets grouped. Named people are matched against their
 * confirmed faces only, so their identity cannot drift through automatic additions.
 */
export function groupFaces(
  source: GroupingSource,
  queue: Iterable<number>,
  params = GROUPING,
): GroupingResult {
  const result: GroupingResult = {
    assignments: new Map(),
    newPeople: 0,
    suggestions: new Map(),
    considered: new Set(),
    merges: [],
  };
  // People merged during this run: each points to the person it became.
  const mergedInto = new Map<number, number>();
  const resolve = (personId: number): number => {
    let current = personId;
    while (mergedInto.has(current)) current = mergedInto.get(current)!;
    return current;
  };
  const personOf = (faceId: number): number | null => {
    const personId = result.assignments.get(faceId) ?? source.face(faceId)?.personId ?? null;
    return personId === null ? null : resolve(personId);
  };
  const isFree = (faceId: number): boolean => {
    const face = source.face(faceId);
    return face !== undefined && !face.decided && personOf(faceId) === null;
  };

  const allowed = (face: FaceFacts, personId: number): boolean => {
    if (personId < 0) return true;
    if (source.isRejected(face.id, personId)) return false;
    const birthDate = source.person(personId)?.birthDate;
    // A face is never matched to someone born after the photo was taken.
    return !(birthDate && face.takenAt && face.takenAt.slice(0, 10) < birthDate);
  };

  /** Who a neighbour speaks for: a named person only through faces the user confirmed. */
  const voteOf = (neighbourId: number): number | null => {
    const personId = personOf(neighbourId);
    if (personId === null) return null;
    if (personId > 0 && source.person(personId)?.named && !source.face(neighbourId)?.decided) return null;
    return personId;
  };

  const candidates = (face: FaceFacts, neighbours: readonly Neighbour[]) => {
    const byPerson = new Map<number, number[]>();
    for (const neighbour of neighbours) {
      const personId = voteOf(neighbour.id);
      if (personId === null || !allowed(face, personId)) continue;
      const distances = byPerson.get(personId) ?? [];
      distances.push(neighbour.distance);
      byPerson.set(personId, distances);
    }
    return [...byPerson].map(([personId, distances]) => {
      // Average linkage over the person's three nearest faces (fewer for a smaller person). A face
      // not among the neighbours is farther than suggestDistance: counting it as absentDistance
      // keeps one stray face (a wrong manual move, a look-alike) from pulling others in.
      const wanted = Math.min(3, Math.max(1, voicesOf(personId)));
      const nearest = distances.slice(0, wanted);
      while (nearest.length < wanted) nearest.push(params.absentDistance);
      return { personId, distance: distances[0], mean: nearest.reduce((a, b) => a + b, 0) / nearest.length };
    });
  };

  const addedVoices = new Map<number, number>();
  const voicesOf = (personId: number) =>
    (personId < 0 ? 0 : source.voices(personId)) + (addedVoices.get(personId) ?? 0);
  const mergeable = (personId: number) => personId < 0 || !source.person(personId)?.locked;

  /**
   * Two people whose faces near this one are, on average, as close as one person's faces are:
   * one person that grouping found twice (it grows from several seeds at once in a big library).
   */
  const samePerson = (a: number, b: number, neighbours: readonly Neighbour[]): boolean => {
    const near = (personId: number) =>
      neighbours
        .filter((n) => voteOf(n.id) === personId)
        .slice(0, 3)
        .map((n) => n.id);
    const [fromA, fromB] = [near(a), near(b)];
    if (fromA.length === 0 || fromB.length === 0) return false;
    let sum = 0;
    for (const x of fromA) for (const y of fromB) sum += source.distance(x, y);
    return sum / (fromA.length * fromB.length) <= params.joinMeanDistance;
  };

  const merge = (from: number, into: number) => {
    mergedInto.set(from, into);
    addedVoices.set(into, (addedVoices.get(into) ?? 0) + voicesOf(from));
    if (from > 0) result.merges.push([from, into]);
  };

  const assign = (faceId: number, personId: number) => {
    result.assignments.set(faceId, personId);
    result.suggestions.delete(faceId);
    // Automatic members speak for unnamed people only (named people: confirmed faces only).
    if (personId < 0 || !source.person(personId)?.named)
      addedVoices.set(personId, (addedVoices.get(personId) ?? 0) + 1);
  };

  let work = new Set(queue);
  for (let round = 0; round < params.maxRounds && work.size > 0; round++) {
    // Faces grouped this round may lift their waiting neighbours over the bar: those get another
    // look next round. A face that joined brings its own neighbour list; founders' members need a search.
    const next = new Set<number>();
    const membersToSearch: number[] = [];
    const lookAgainAround = (neighbours: readonly Neighbour[]) => {
      for (const neighbour of neighbours) {
        if (neighbour.distance <= params.foundDistance && isFree(neighbour.id)) next.add(neighbour.id);
      }
    };
    for (const faceId of work) {
      if (!isFree(faceId)) continue;
      const face = source.face(faceId)!;
      result.considered.add(faceId);
      const neighbours = source
        .neighboursOf(faceId, params.neighbours + 1, params.suggestDistance)
        .filter((neighbour) => neighbour.id !== faceId);

      const ranked = candidates(face, neighbours).sort((a, b) => a.mean - b.mean);
      const qualifying = ranked.filter(
        (c) => c.distance <= params.joinDistance && c.mean <= params.joinMeanDistance,
      );
      let clearWinner =
        qualifying.length === 1 ||
        (qualifying.length > 1 && qualifying[1].mean - qualifying[0].mean > params.ambiguityMargin);
      if (!clearWinner && qualifying.length > 1) {
        const [first, second] = qualifying;
        if (
          mergeable(first.personId) &&
          mergeable(second.personId) &&
          samePerson(first.personId, second.personId, neighbours)
        ) {
          // Keep the person that already exists (its id, cover, …) over one made in this run.
          const [from, into] = second.personId < 0 || first.personId > 0 ? [second, first] : [first, second];
          merge(from.personId, into.personId);
          qualifying.splice(0, 2, into);
          clearWinner = true;
        }
      }
      if (clearWinner) {
        assign(faceId, qualifying[0].personId);
        lookAgainAround(neighbours);
        continue;
      }

      const named = ranked
        .filter((c) => c.personId > 0 && source.person(c.personId)?.named)
        .sort((a, b) => a.distance - b.distance)[0];
      if (named)
        result.suggestions.set(faceId, { id: faceId, personId: named.personId, distance: named.distance });

      // Too close to call between two people: wait for the user rather than found a third.
      if (!face.canFound || qualifying.length > 0) continue;
      const free = neighbours.filter((n) => n.distance <= params.foundDistance && isFree(n.id));
      if (free.length + 1 < params.minFacesToFound) continue;
      const personId = -++result.newPeople;
      assign(faceId, personId);
      for (const member of free) {
        assign(member.id, personId);
        result.considered.add(member.id);
        membersToSearch.push(member.id);
      }
      lookAgainAround(neighbours);
    }
    for (const memberId of membersToSearch) {
      lookAgainAround(source.neighboursOf(memberId, params.neighbours, params.foundDistance));
    }
    work = next;
  }
  for (const [faceId, personId] of result.assignments) result.assignments.set(faceId, resolve(personId));
  for (const suggestion of result.suggestions.values()) suggestion.personId = resolve(suggestion.personId);
  result.merges = result.merges.map(([from, into]) => [from, resolve(into)]);
  result.newPeople = new Set([...result.assignments.values()].filter((personId) => personId < 0)).size;
  return result;
}
