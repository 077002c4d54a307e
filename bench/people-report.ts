/** Figures for `npm run bench:people`: latency statistics, grouping quality against the truth, the table. */
import os from 'node:os';
import { table, verdict } from './report';

export interface Latency {
  runs: number;
  median: number;
  p95: number;
  max: number;
}

/** Runs `fn` a few times untimed (caches, statement preparation), then `runs` times timed. */
export function measureLatency(runs: number, fn: () => unknown, warmUp = 3): Latency {
  for (let i = 0; i < warmUp; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return latencyOf(samples);
}

/** Median, 95th percentile and maximum of timed runs (ms). */
export function latencyOf(samples: number[]): Latency {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  return { runs: samples.length, median: at(0.5), p95: at(0.95), max: samples[samples.length - 1] };
}

export function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

export interface PairScores {
  /** Of the pairs of faces grouping put in one person, the share that are one identity. */
  precision: number;
  /** Of the pairs of faces of one identity, the share grouping put in one person. */
  recall: number;
  people: number;
  /** Identities with enough faces to be found at all (≥ minFaces). */
  findableIdentities: number;
  /** Share of non-noise faces given a person, and of noise faces given one (should be low). */
  assignedShare: number;
  noiseAssignedShare: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Exact pairwise precision and recall from the (person, identity) contingency table:
 * true positives Σ C(n_ij, 2), predicted pairs Σ C(n_i·, 2), true pairs Σ C(n_·j, 2).
 * A noise face is an identity of its own: it adds no true pair, only false ones if grouped.
 */
export function pairScores(
  assignments: Iterable<[faceId: number, personId: number | null]>,
  identityOf: (faceId: number) => number,
  minFaces: number,
): PairScores {
  const cells = new Map<number, Map<number, number>>();
  const personSize = new Map<number, number>();
  const identitySize = new Map<number, number>();
  let faces = 0;
  let assigned = 0;
  let noise = 0;
  let noiseAssigned = 0;
  for (const [faceId, personId] of assignments) {
    const identity = identityOf(faceId);
    if (identity < 0) {
      noise++;
      if (personId !== null) noiseAssigned++;
    } else {
      faces++;
      identitySize.set(identity, (identitySize.get(identity) ?? 0) + 1);
      if (personId !== null) assigned++;
    }
    if (personId === null) continue;
    personSize.set(personId, (personSize.get(personId) ?? 0) + 1);
    if (identity < 0) continue;
    const row = cells.get(personId) ?? new Map<number, number>();
    row.set(identity, (row.get(identity) ?? 0) + 1);
    cells.set(personId, row);
  }
  let truePositives = 0;
  for (const row of cells.values()) for (const n of row.values()) truePositives += pairs(n);
  let predicted = 0;
  for (const n of personSize.values()) predicted += pairs(n);
  let actual = 0;
  for (const n of identitySize.values()) actual += pairs(n);
  return {
    precision: predicted === 0 ? NaN : truePositives / predicted,
    recall: actual === 0 ? NaN : truePositives / actual,
    people: personSize.size,
    findableIdentities: [...identitySize.values()].filter((n) => n >= minFaces).length,
    assignedShare: faces === 0 ? NaN : assigned / faces,
    noiseAssignedShare: noise === 0 ? NaN : noiseAssigned / noise,
  };
}

export interface IdentitySplit {
  identity: number;
  faces: number;
  /** People holding at least one of its faces. */
  people: number;
  /** Share of its faces in the person holding most of them, and not in any person. */
  mainShare: number;
  ungroupedShare: number;
}

/** How the biggest identities came out: pairwise recall is dominated by them. */
export function biggestIdentities(
  assignments: Iterable<[faceId: number, personId: number | null]>,
  identityOf: (faceId: number) => number,
  count: number,
): IdentitySplit[] {
  const byIdentity = new Map<number, Map<number | null, number>>();
  for (const [faceId, personId] of assignments) {
    const identity = identityOf(faceId);
    if (identity < 0) continue;
    const row = byIdentity.get(identity) ?? new Map<number | null, number>();
    row.set(personId, (row.get(personId) ?? 0) + 1);
    byIdentity.set(identity, row);
  }
  return [...byIdentity]
    .map(([identity, row]) => {
      const faces = [...row.values()].reduce((a, b) => a + b, 0);
      const people = [...row].filter(([personId]) => personId !== null);
      return {
        identity,
        faces,
        people: people.length,
        mainShare: Math.max(0, ...people.map(([, n]) => n)) / faces,
        ungroupedShare: (row.get(null) ?? 0) / faces,
      };
    })
    .sort((a, b) => b.faces - a.faces)
    .slice(0, count);
}

/** For each identity, the person holding most of its faces (how a new face should be grouped). */
export function majorityPerson(
  assignments: Iterable<[faceId: number, personId: number | null]>,
  identityOf: (faceId: number) => number,
): Map<number, number> {
  const votes = new Map<number, Map<number, number>>();
  for (const [faceId, personId] of assignments) {
    const identity = identityOf(faceId);
    if (identity < 0 || personId === null) continue;
    const row = votes.get(identity) ?? new Map<number, number>();
    row.set(personId, (row.get(personId) ?? 0) + 1);
    votes.set(identity, row);
  }
  const result = new Map<number, number>();
  for (const [identity, row] of votes) result.set(identity, [...row].sort((a, b) => b[1] - a[1])[0][0]);
  return result;
}

export interface NewFaceOutcome {
  /** Faces of people already in the library: to their person, to another, to nobody yet. */
  known: { total: number; right: number; wrong: number; waiting: number };
  /** Faces of people never seen before: grouped among themselves, wrongly joined to an old person. */
  unseen: { total: number; newPeople: number; joinedOld: number };
  noise: { total: number; assigned: number };
}

export function newFaceOutcome(
  newFaces: readonly { faceId: number; identity: number; personId: number | null }[],
  majority: Map<number, number>,
  oldPeople: Set<number>,
): NewFaceOutcome {
  const outcome: NewFaceOutcome = {
    known: { total: 0, right: 0, wrong: 0, waiting: 0 },
    unseen: { total: 0, newPeople: 0, joinedOld: 0 },
    noise: { total: 0, assigned: 0 },
  };
  for (const { identity, personId } of newFaces) {
    if (identity < 0) {
      outcome.noise.total++;
      if (personId !== null) outcome.noise.assigned++;
    } else if (majority.has(identity)) {
      outcome.known.total++;
      if (personId === null) outcome.known.waiting++;
      else if (personId === majority.get(identity)) outcome.known.right++;
      else outcome.known.wrong++;
    } else {
      outcome.unseen.total++;
      if (personId !== null && oldPeople.has(personId)) outcome.unseen.joinedOld++;
      else if (personId !== null) outcome.unseen.newPeople++;
    }
  }
  return outcome;
}

export interface TargetRow {
  figure: string;
  value: string;
  target: string;
  /** null: informational, no verdict. */
  met: boolean | null;
}

export function targetTable(rows: readonly TargetRow[]): string {
  return table(
    ['figure', 'value', 'target', 'verdict'],
    rows.map((row) => [row.figure, row.value, row.target, row.met === null ? '(info)' : verdict(row.met)]),
  );
}

export const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
export const pct = (value: number, digits = 1) =>
  Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
export const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;

/** 1, 5 and 15 minute load averages: on a shared machine, how busy it was around a figure. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
