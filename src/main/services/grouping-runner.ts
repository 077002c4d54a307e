import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import {
  groupFaces,
  type FaceFacts,
  type GroupingSource,
  type Neighbour,
  type PersonFacts,
} from '../people/grouping';
import { searchOrder } from '../people/search-order';
import { GROUPING } from '../people/thresholds';
import { createVectorIndex, type VectorIndex } from '../people/vector-index';
import type { FacesRepository } from '../repositories/faces';
import { euclideanDistance } from '../vision/embedder';
import type { PeopleRepository } from '../repositories/people';
import { writeTransaction } from '../db/write-transaction';

/** From this many queued faces on, their neighbours are searched as one batch. */
const BATCH_SEARCH_MIN_FACES = 64;

export interface GroupingSummary {
  /** Faces grouping looked at. */
  considered: number;
  /** Faces given to a person (existing or new). */
  assigned: number;
  newPeople: number;
  suggestions: number;
  elapsedMs: number;
}

export interface GroupingDependencies {
  db: LibraryDatabase;
  faces: FacesRepository;
  people: PeopleRepository;
  clock: Clock;
}

/** Builds the neighbour index from SQLite, the source of truth (rebuilt, never migrated). */
export function buildFaceIndex(faces: FacesRepository): VectorIndex {
  const index = createVectorIndex();
  for (const { id, embedding } of faces.allEmbeddings()) index.add(id, embedding);
  return index;
}

/**
 * Every queued face's neighbours, found in batches up front: the native index then searches on
 * all cores, which is what makes regrouping a whole library (hundreds of thousands of faces)
 * take minutes rather than an hour. Kept compact: ids and distances in typed arrays.
 */
class NeighbourTable {
  /** The searched faces in ascending order; a face's row is its position here (no Map: 300k entries). */
  private readonly faceIds: Int32Array;
  private readonly ids: Int32Array;
  private readonly distances: Float32Array;
  private readonly counts: Uint8Array;

  constructor(
    faceIds: readonly number[],
    faces: FacesRepository,
    index: VectorIndex,
    readonly k: number,
    readonly maxDistance: number,
  ) {
    this.faceIds = Int32Array.from(faceIds).sort();
    const count = this.faceIds.length;
    this.ids = new Int32Array(count * k);
    this.distances = new Float32Array(count * k);
    this.counts = new Uint8Array(count);
    // Similar faces back to back: the index's memory they visit is then still in the caches (the
    // embeddings are read twice, which costs far less than the searches it speeds up).
    const order = searchOrder(count, (row) => faces.embedding(this.faceIds[row]));
    const batch = 4096;
    const vectors = new Float32Array(batch * 128);
    for (let start = 0; start < count; start += batch) {
      const rows = order.subarray(start, start + batch);
      rows.forEach((row, i) => vectors.set(faces.embedding(this.faceIds[row]), i * 128));
      const results = index.searchMany(vectors, rows.length, k, maxDistance);
      results.forEach((neighbours, i) => {
        const row = rows[i];
        this.counts[row] = neighbours.length;
        neighbours.forEach((neighbour, j) => {
          this.ids[row * k + j] = neighbour.id;
          this.distances[row * k + j] = neighbour.distance;
        });
      });
    }
  }

  /** The face's neighbours, when asked for no more than were stored. */
  lookup(faceId: number, k: number, maxDistance: number): Neighbour[] | undefined {
    const row = this.rowOf(faceId);
    if (row < 0 || k > this.k || maxDistance > this.maxDistance) return undefined;
    const result: Neighbour[] = [];
    for (let j = 0; j < Math.min(k, this.counts[row]); j++) {
      const distance = this.distances[row * this.k + j];
      if (distance > maxDistance) break;
      result.push({ id: this.ids[row * this.k + j], distance });
    }
    return result;
  }

  private rowOf(faceId: number): number {
    let low = 0;
    let high = this.faceIds.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const id = this.faceIds[middle];
      if (id === faceId) return middle;
      if (id < faceId) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}

/**
 * Grouping's view of the library, read through caches: within one run a face's facts, a
 * person's facts and the rejections do not change (the run's own assignments are tracked by
 * groupFaces itself), and grouping asks about the same neighbours over and over.
 */
function sourceFor(deps: GroupingDependencies, index: VectorIndex, table?: NeighbourTable): GroupingSource {
  const faceCache = new Map<number, FaceFacts | undefined>();
  const personCache = new Map<number, PersonFacts | undefined>();
  const voiceCache = new Map<number, number>();
  const rejections = deps.faces.allRejections();
  return {
    neighboursOf: (faceId, k, maxDistance) =>
      table?.lookup(faceId, k, maxDistance) ?? index.search(deps.faces.embedding(faceId), k, maxDistance),
    face: (faceId) => {
      if (!faceCache.has(faceId)) {
        const face = deps.faces.get(faceId);
        faceCache.set(
          faceId,
          face && {
            id: face.id,
            personId: face.personId,
            decided: face.decided,
            canFound:
              Math.min(face.box.width, face.box.height) >= GROUPING.minFoundingFacePx &&
              (face.source === 'manual' || face.score >= GROUPING.minFoundingScore),
            takenAt: face.takenAt,
          },
        );
      }
      return faceCache.get(faceId);
    },
    person: (personId) => {
      if (!personCache.has(personId)) {
        const person = deps.people.get(personId);
        personCache.set(
          personId,
          person && {
            named: person.name !== null,
            birthDate: person.birthDate,
            locked:
              person.name !== null ||
              person.hidden ||
              person.birthDate !== null ||
              person.coverFaceId !== null ||
              deps.faces.hasDecisions(personId),
          },
        );
      }
      return personCache.get(personId);
    },
    distance: (a, b) => euclideanDistance(deps.faces.embedding(a), deps.faces.embedding(b)),
    isRejected: (faceId, personId) => rejections.get(faceId)?.has(personId) ?? false,
    voices: (personId) => {
      if (!voiceCache.has(personId)) voiceCache.set(personId, deps.faces.voicesOf(personId));
      return voiceCache.get(personId)!;
    },
  };
}

/**
 * Groups faces against the library. 'new': faces never grouped (after a scan). 'full': every
 * machine-made assignment is dropped and all faces are grouped again from scratch; decisions are
 * untouched, and a regrouped cluster keeps the id (and so the hidden flag, cover, …) of the
 * unnamed person most of its faces came from. Runs in one transaction: all or nothing.
 */
export function runGrouping(
  deps: GroupingDependencies,
  mode: 'new' | 'full',
  index: VectorIndex,
): GroupingSummary {
  const started = performance.now();
  const { db, faces, people } = deps;
  return writeTransaction(db, () => {
    const now = deps.clock.now().toISOString();
    let previousPerson = new Map<number, number>();
    let queue: number[];
    if (mode === 'full') {
      previousPerson = new Map(
        (
          db
            .prepare(`SELECT id, person_id FROM faces WHERE assigned_by = 'auto' AND person_id IS NOT NULL`)
            .raw()
            .all() as [number, number][]
        ).map(([faceId, personId]) => [faceId, personId]),
      );
      faces.clearAutomatic();
      faces.reapplyDecisions();
      queue = faces.allIds();
    } else {
      queue = faces.ungroupedIds();
    }

    // Search every queued face's neighbours at once, on all cores (a single search runs on one);
    // below a batch's worth, one search at a time is as quick.
    // Faces the user decided about keep their person without a look at their neighbours.
    const decided = faces.decidedIds();
    const toSearch = queue.filter((faceId) => !decided.has(faceId));
    const table =
      toSearch.length >= BATCH_SEARCH_MIN_FACES
        ? new NeighbourTable(toSearch, faces, index, GROUPING.neighbours + 1, GROUPING.suggestDistance)
        : undefined;
    const result = groupFaces(sourceFor(deps, index, table), queue);

    const realId = new Map<number, number>();
    const reusable = new Set(
      mode === 'full'
        ? (db
            .prepare(
              `SELECT id FROM people WHERE name IS NULL
                 AND NOT EXISTS (SELECT 1 FROM face_decisions d WHERE d.person_id = people.id)`,
            )
            .pluck()
            .all() as number[])
        : [],
    );
    let created = 0;
    const membersOf = new Map<number, number[]>();
    for (const [faceId, personId] of result.assignments) {
      if (personId < 0) {
        const members = membersOf.get(personId);
        if (members) members.push(faceId);
        else membersOf.set(personId, [faceId]);
      }
    }
    for (const [temp, members] of membersOf) {
      const heir = heirOf(members, previousPerson, reusable);
      if (heir === undefined) created++;
      realId.set(temp, heir ?? people.insert(null, now));
    }
    // Unnamed people found to be one person: the faces of the one merged away move over.
    for (const [from, into] of result.merges) {
      db.prepare(`UPDATE faces SET person_id = ? WHERE person_id = ? AND assigned_by = 'auto'`).run(
        into,
        from,
      );
      db.prepare(`UPDATE faces SET suggested_person_id = ? WHERE suggested_person_id = ?`).run(into, from);
    }
    // One statement a face (an assigned face is marked looked at with its person), in id order:
    // neighbouring faces share table pages, so each page is read and written once, not once a face.
    for (const faceId of [...result.considered].sort((a, b) => a - b)) {
      const personId = result.assignments.get(faceId);
      if (personId === undefined) faces.markGrouped(faceId, result.suggestions.get(faceId));
      else faces.setAutoPerson(faceId, personId < 0 ? realId.get(personId)! : personId);
    }
    people.deleteAbandoned();
    return {
      considered: result.considered.size,
      assigned: result.assignments.size,
      newPeople: created,
      suggestions: result.suggestions.size,
      elapsedMs: performance.now() - started,
    };
  });
}

/** The unnamed person most of a new group's faces belonged to before, if more than half did. */
function heirOf(
  members: readonly number[],
  previousPerson: Map<number, number>,
  reusable: Set<number>,
): number | undefined {
  const votes = new Map<number, number>();
  for (const faceId of members) {
    const personId = previousPerson.get(faceId);
    if (personId !== undefined && reusable.has(personId)) votes.set(personId, (votes.get(personId) ?? 0) + 1);
  }
  const [best] = [...votes].sort((a, b) => b[1] - a[1]);
  if (!best || best[1] * 2 <= members.length) return undefined;
  reusable.delete(best[0]);
  return best[0];
}
