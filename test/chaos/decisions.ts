import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Random } from './random';

/**
 * The user decisions the chaos run makes between kills, always about faces of photos the run
 * never touches (so every one of them must survive every later crash unchanged). Each returns the
 * `kindred` arguments to run, or undefined when the library has nothing to decide on yet.
 */
type Db = Database.Database;

interface Candidates {
  db: Db;
  stableDir: string;
  random: Random;
  /** A fresh name for a new person. */
  newName: () => string;
}

const stableFaces = (
  c: Candidates,
  where: string,
): { id: number; personId: number | null; name: string | null }[] =>
  c.db
    .prepare(
      `SELECT f.id, f.person_id AS personId, pe.name FROM faces f JOIN photos p ON p.id = f.photo_id
       LEFT JOIN people pe ON pe.id = f.person_id
       WHERE p.path LIKE ? AND ${where} ORDER BY f.id`,
    )
    .all(`${c.stableDir}${path.sep}%`) as { id: number; personId: number | null; name: string | null }[];

const namedPeople = (c: Candidates): { id: number; name: string; hidden: number }[] =>
  c.db.prepare(`SELECT id, name, hidden FROM people WHERE name IS NOT NULL ORDER BY id`).all() as {
    id: number;
    name: string;
    hidden: number;
  }[];

const unnamedWithStableFaces = (c: Candidates): number[] =>
  c.db
    .prepare(
      `SELECT DISTINCT pe.id FROM people pe JOIN faces f ON f.person_id = pe.id JOIN photos p ON p.id = f.photo_id
       WHERE pe.name IS NULL AND p.path LIKE ? ORDER BY pe.id`,
    )
    .pluck()
    .all(`${c.stableDir}${path.sep}%`) as number[];

export type DecisionKind =
  'name' | 'merge' | 'reject' | 'hide' | 'birthdate' | 'cover' | 'move' | 'delete-face';

const OPS: Record<DecisionKind, (c: Candidates) => string[] | undefined> = {
  name: (c) => {
    const people = unnamedWithStableFaces(c);
    return people.length === 0 ? undefined : ['name', String(c.random.pick(people)), c.newName()];
  },
  merge: (c) => {
    const sources = unnamedWithStableFaces(c);
    const named = namedPeople(c);
    if (sources.length === 0 || named.length === 0) return undefined;
    return ['merge', String(c.random.pick(sources)), '--into', c.random.pick(named).name];
  },
  reject: (c) => {
    const faces = stableFaces(c, 'pe.name IS NOT NULL');
    return faces.length === 0 ? undefined : ['reject', String(c.random.pick(faces).id)];
  },
  hide: (c) => {
    const named = namedPeople(c);
    if (named.length === 0) return undefined;
    const person = c.random.pick(named);
    return [person.hidden ? 'unhide' : 'hide', person.name];
  },
  birthdate: (c) => {
    const named = namedPeople(c);
    if (named.length === 0) return undefined;
    const year = c.random.int(1930, 1990);
    return ['birthdate', c.random.pick(named).name, `${year}-0${c.random.int(1, 9)}-1${c.random.int(0, 9)}`];
  },
  cover: (c) => {
    const faces = stableFaces(c, 'pe.name IS NOT NULL');
    if (faces.length === 0) return undefined;
    const face = c.random.pick(faces);
    return ['cover', face.name!, String(face.id)];
  },
  move: (c) => {
    const faces = stableFaces(c, 'pe.name IS NULL');
    const named = namedPeople(c);
    if (faces.length === 0 || named.length === 0) return undefined;
    return ['move', String(c.random.pick(faces).id), '--to', c.random.pick(named).name];
  },
  'delete-face': (c) => {
    const faces = stableFaces(c, 'f.person_id IS NULL');
    return faces.length === 0 ? undefined : ['delete-face', String(c.random.pick(faces).id)];
  },
};

/** A decision to make now: naming comes first while nobody has a name, then any kind at random. */
export function chooseDecision(c: Candidates): { kind: DecisionKind; args: string[] } | undefined {
  const kinds: DecisionKind[] = namedPeople(c).length < 2 ? ['name'] : (Object.keys(OPS) as DecisionKind[]);
  for (let attempt = 0; attempt < 8; attempt++) {
    const kind = c.random.pick(kinds);
    const args = OPS[kind](c);
    if (args) return { kind, args };
  }
  return undefined;
}
