import type { PersonSummary, Suggestion } from '../../common/api';
import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import type { FacesRepository, FaceRecord } from '../repositories/faces';
import type { PeopleRepository, PersonRow } from '../repositories/people';
import type { PhotosRepository } from '../repositories/photos';
import { UserInputError } from './errors';
import type { VectorIndex } from '../people/vector-index';
import { runGrouping, type GroupingSummary } from './grouping-runner';
import { writeTransaction } from '../db/write-transaction';
import { suggestFreeFacesNear } from './free-face-suggestions';

export interface PeopleServiceDependencies {
  db: LibraryDatabase;
  faces: FacesRepository;
  people: PeopleRepository;
  photos: PhotosRepository;
  clock: Clock;
  /** Runs grouping with the library's face index, up to date, and saves the index after. */
  withFaceIndex: <T>(work: (index: VectorIndex) => T) => T;
}

/** What a change did, in words for the user (the CLI prints it; the app shows it). */
export interface ChangeReport {
  message: string;
}

const describe = (person: PersonRow) =>
  person.name ? `"${person.name}" (#${person.id})` : `person #${person.id}`;

/**
 * Naming, merging and correcting people. Every decision is stored in rows of its own
 * (face_decisions, face_rejections, face_tombstones, people) so that grouping, rescans and
 * regrouping from scratch never undo it.
 */
export class PeopleService {
  constructor(private readonly deps: PeopleServiceDependencies) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** A person by id or by exact current name. */
  resolvePerson(reference: string): PersonRow {
    const trimmed = reference.trim();
    const byId = /^\d+$/.test(trimmed) ? this.deps.people.get(Number(trimmed)) : undefined;
    const person = byId ?? this.deps.people.findByName(trimmed);
    if (!person) {
      throw new UserInputError(
        `No person with id or name "${reference}". List people with: kindred people --all`,
      );
    }
    return person;
  }

  resolveFace(reference: string | number): FaceRecord {
    const id = typeof reference === 'number' ? reference : Number(reference);
    const face = Number.isInteger(id) && id > 0 ? this.deps.faces.get(id) : undefined;
    if (!face) throw new UserInputError(`No face with id "${reference}". List faces with: kindred faces`);
    return face;
  }

  list(includeHidden = false): PersonSummary[] {
    return this.deps.people.list(includeHidden);
  }

  group(mode: 'new' | 'full'): GroupingSummary {
    return this.deps.withFaceIndex((index) => runGrouping(this.deps, mode, index));
  }

  /**
   * After a decision gives a named person faces (naming them, a merge, a move, a confirmation):
   * the free faces near those faces are offered to them for review. Returns the words for the
   * report. The decision is already saved; a failure here only costs the offer, and says so.
   */
  private offerFreeFaces(personId: number, aroundFaceIds: readonly number[]): string {
    const person = this.deps.people.get(personId);
    if (!person?.name || aroundFaceIds.length === 0) return '';
    try {
      const offered = this.deps.withFaceIndex((index) =>
        suggestFreeFacesNear(this.deps, index, person.id, aroundFaceIds),
      );
      if (offered === 0) return '';
      return offered === 1
        ? ` 1 more face that may be them waits for review.`
        : ` ${offered} more faces that may be them wait for review.`;
    } catch (error) {
      return ` (Faces that may be them could not be looked for: ${error instanceof Error ? error.message : String(error)})`;
    }
  }

  private faceIdsOf(personId: number): number[] {
    return this.deps.db.prepare(`SELECT id FROM faces WHERE person_id = ?`).pluck().all(personId) as number[];
  }

  name(reference: string, rawName: string, options: { merge?: boolean } = {}): ChangeReport {
    const name = validName(rawName);
    const person = this.resolvePerson(reference);
    const holder = this.deps.people.findByName(name);
    if (holder && holder.id !== person.id) {
      if (!options.merge) {
        throw new UserInputError(
          `"${name}" is already the name of person #${holder.id}. If they are the same person, merge them: ` +
            `kindred merge ${person.id} --into ${holder.id} (or kindred name ${person.id} "${name}" --merge)`,
        );
      }
      return this.merge([String(person.id)], String(holder.id));
    }
    const report = writeTransaction(this.deps.db, () => {
      this.deps.people.setName(person.id, name);
      const confirmed = this.deps.faces.pinPerson(person.id, this.now());
      const verb = person.name ? `Renamed ${describe(person)} to` : `Named person #${person.id}`;
      return { message: `${verb} "${name}"; ${confirmed} more of their faces confirmed.` };
    });
    // A renamed person was offered their faces when they were first named.
    if (person.name) return report;
    return { message: report.message + this.offerFreeFaces(person.id, this.faceIdsOf(person.id)) };
  }

  merge(references: readonly string[], intoReference: string): ChangeReport {
    const target = this.resolvePerson(intoReference);
    const sources = references.map((reference) => this.resolvePerson(reference));
    if (sources.some((source) => source.id === target.id)) {
      throw new UserInputError(`Cannot merge ${describe(target)} into itself.`);
    }
    const report = writeTransaction(this.deps.db, () => {
      const now = this.now();
      let moved = 0;
      for (const source of sources) {
        // The merge is a decision about every face: it must survive regrouping from scratch.
        this.deps.faces.pinPerson(source.id, now);
        moved += this.deps.db
          .prepare(`UPDATE face_decisions SET person_id = ?, decided_at = ? WHERE person_id = ?`)
          .run(target.id, now, source.id).changes;
        this.deps.db.prepare(`UPDATE faces SET person_id = ? WHERE person_id = ?`).run(target.id, source.id);
        this.deps.db
          .prepare(`UPDATE faces SET suggested_person_id = ? WHERE suggested_person_id = ?`)
          .run(target.id, source.id);
        this.deps.faces.moveRejections(source.id, target.id);
        if (!target.birthDate && source.birthDate) this.deps.people.setBirthDate(target.id, source.birthDate);
        this.deps.people.delete(source.id);
        if (!target.name && source.name) {
          this.deps.people.setName(target.id, source.name);
          target.name = source.name;
        }
      }
      this.deps.faces.pinPerson(target.id, now);
      return {
        message: `Merged ${sources.map(describe).join(', ')} into ${describe(target)} (${moved} faces moved).`,
      };
    });
    return { message: report.message + this.offerFreeFaces(target.id, this.faceIdsOf(target.id)) };
  }

  /** `--to` an existing person (id or name), or a new person with that name. */
  move(faceReferences: readonly string[], toReference: string): ChangeReport {
    const faces = faceReferences.map((reference) => this.resolveFace(reference));
    const { report, targetId } = writeTransaction(this.deps.db, () => {
      let target: PersonRow;
      let created = false;
      try {
        target = this.resolvePerson(toReference);
      } catch (error) {
        if (/^\d+$/.test(toReference.trim())) throw error;
        const id = this.deps.people.insert(validName(toReference), this.now());
        target = this.deps.people.get(id)!;
        created = true;
      }
      for (const face of faces) {
        this.deps.db
          .prepare(`DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?`)
          .run(face.id, target.id);
        this.deps.faces.decide(face.id, target.id, this.now());
        this.clearCoverIfMoved(face, target.id);
      }
      const ids = faces.map((face) => face.id).join(', ');
      const message = `Moved face${faces.length > 1 ? 's' : ''} ${ids} to ${created ? 'new person ' : ''}${describe(target)}.`;
      return { report: { message }, targetId: target.id };
    });
    // A person made by the move has only these faces; either way, look around the moved ones.
    const offer = this.offerFreeFaces(
      targetId,
      faces.map((face) => face.id),
    );
    return { message: report.message + offer };
  }

  /** The face belongs to nobody the user knows; grouping leaves it alone. */
  unassign(faceReferences: readonly string[]): ChangeReport {
    const faces = faceReferences.map((reference) => this.resolveFace(reference));
    return writeTransaction(this.deps.db, () => {
      for (const face of faces) {
        this.deps.faces.decide(face.id, null, this.now());
        this.clearCoverIfMoved(face, null);
      }
      return {
        message: `Unassigned face${faces.length > 1 ? 's' : ''} ${faces.map((f) => f.id).join(', ')}.`,
      };
    });
  }

  /**
   * "Not this person": remembered for good. The face leaves the person (or its suggestion), and is
   * never assigned or suggested to them again; grouping may still find it another person.
   */
  reject(faceReferences: readonly string[], fromReference?: string): ChangeReport {
    const faces = faceReferences.map((reference) => this.resolveFace(reference));
    const explicit = fromReference === undefined ? undefined : this.resolvePerson(fromReference);
    return writeTransaction(this.deps.db, () => {
      const lines: string[] = [];
      for (const face of faces) {
        const suggested = this.deps.db
          .prepare(`SELECT suggested_person_id FROM faces WHERE id = ?`)
          .pluck()
          .get(face.id) as number | null;
        const personId = explicit?.id ?? face.personId ?? suggested;
        if (personId === null) {
          throw new UserInputError(
            `Face ${face.id} has no person or suggestion to reject. Say who it is not: kindred reject ${face.id} --from PERSON`,
          );
        }
        const person = this.deps.people.get(personId)!;
        this.deps.faces.reject(face.id, personId, this.now());
        if (face.personId === personId) {
          this.deps.faces.undecide(face.id);
          this.clearCoverIfMoved(face, null);
        }
        if (suggested === personId) this.deps.faces.setSuggestion(face.id, null, null);
        lines.push(`Face ${face.id} is not ${describe(person)}: removed and remembered.`);
      }
      return { message: lines.join('\n') };
    });
  }

  setHidden(reference: string, hidden: boolean): ChangeReport {
    const person = this.resolvePerson(reference);
    return writeTransaction(this.deps.db, () => {
      this.deps.people.setHidden(person.id, hidden);
      this.deps.faces.pinPerson(person.id, this.now());
      return { message: `${hidden ? 'Hid' : 'Unhid'} ${describe(person)}.` };
    });
  }

  setCover(reference: string, faceReference: string): ChangeReport {
    const person = this.resolvePerson(reference);
    const face = this.resolveFace(faceReference);
    if (face.personId !== person.id) {
      throw new UserInputError(
        `Face ${face.id} is not one of ${describe(person)}'s faces. Move it there first: kindred move ${face.id} --to ${person.id}`,
      );
    }
    return writeTransaction(this.deps.db, () => {
      this.deps.people.setCover(person.id, face.id);
      this.deps.faces.pinPerson(person.id, this.now());
      return { message: `Face ${face.id} is now the cover of ${describe(person)}.` };
    });
  }

  setBirthDate(reference: string, date: string): ChangeReport {
    if (!isCalendarDate(date))
      throw new UserInputError(`"${date}" is not a date: use YYYY-MM-DD, for example 1987-05-14.`);
    const person = this.resolvePerson(reference);
    return writeTransaction(this.deps.db, () => {
      this.deps.people.setBirthDate(person.id, date);
      // Faces grouping gave this person from photos taken before they were born were wrong.
      const released = this.deps.db
        .prepare(
          `UPDATE faces SET person_id = NULL, assigned_by = NULL, grouped = 0
           WHERE person_id = ? AND assigned_by = 'auto'
             AND photo_id IN (SELECT id FROM photos WHERE taken_at IS NOT NULL AND substr(taken_at, 1, 10) < ?)`,
        )
        .run(person.id, date).changes;
      this.deps.faces.pinPerson(person.id, this.now());
      const note =
        released > 0 ? ` ${released} faces from photos taken before then were removed from them.` : '';
      return { message: `Birth date of ${describe(person)} set to ${date}.${note}` };
    });
  }

  deleteFace(faceReference: string): ChangeReport {
    const face = this.resolveFace(faceReference);
    return writeTransaction(this.deps.db, () => {
      this.deps.faces.deleteAsNotAFace(face.id, this.now());
      return { message: `Deleted face ${face.id}; it will not come back when its photo is scanned again.` };
    });
  }

  review(personReference?: string): Suggestion[] {
    const person = personReference === undefined ? undefined : this.resolvePerson(personReference);
    return this.deps.faces.suggestions(person?.id);
  }

  confirm(faceReferences: readonly string[]): ChangeReport {
    const faces = faceReferences.map((reference) => this.resolveFace(reference));
    const confirmedTo = new Map<number, number[]>();
    const report = writeTransaction(this.deps.db, () => {
      const lines = faces.map((face) => {
        const suggestion = this.deps.faces.suggestions().find((s) => s.faceId === face.id);
        const personId = suggestion?.personId ?? face.personId;
        if (personId === null) {
          throw new UserInputError(
            `Face ${face.id} has no person or suggestion to confirm. Give it one: kindred move ${face.id} --to PERSON`,
          );
        }
        this.deps.faces.decide(face.id, personId, this.now());
        if (suggestion) confirmedTo.set(personId, [...(confirmedTo.get(personId) ?? []), face.id]);
        return `Confirmed face ${face.id} as ${describe(this.deps.people.get(personId)!)}.`;
      });
      return { message: lines.join('\n') };
    });
    // A confirmed suggestion is a new face of theirs, with neighbours of its own.
    const offers = [...confirmedTo].map(([personId, faceIds]) => this.offerFreeFaces(personId, faceIds));
    return { message: report.message + offers.join('') };
  }

  confirmAllOf(reference: string): ChangeReport {
    const person = this.resolvePerson(reference);
    const { report, confirmed } = writeTransaction(this.deps.db, () => {
      const suggestions = this.deps.faces.suggestions(person.id);
      for (const suggestion of suggestions) this.deps.faces.decide(suggestion.faceId, person.id, this.now());
      const pinned = this.deps.faces.pinPerson(person.id, this.now());
      const message = `Confirmed ${suggestions.length} suggested and ${pinned} grouped faces as ${describe(person)}.`;
      return { report: { message }, confirmed: suggestions.map((suggestion) => suggestion.faceId) };
    });
    return { message: report.message + this.offerFreeFaces(person.id, confirmed) };
  }

  /** Ids of the people named on the command line (for photo and face filters). */
  resolvePeople(references: readonly string[]): number[] {
    return references.map((reference) => this.resolvePerson(reference).id);
  }

  private clearCoverIfMoved(face: FaceRecord, newPersonId: number | null): void {
    if (face.personId === null || face.personId === newPersonId) return;
    this.deps.db
      .prepare(`UPDATE people SET cover_face_id = NULL WHERE id = ? AND cover_face_id = ?`)
      .run(face.personId, face.id);
  }
}

function validName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw new UserInputError('A name cannot be empty.');
  if (name.length > 200) throw new UserInputError('A name can be at most 200 characters long.');
  // Whitespace was folded above; what is left of the control characters (ESC, NUL, C1) would
  // restyle a terminal that lists people, and no one's name holds them.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new UserInputError('A name cannot hold control characters (such as escape or NUL).');
  }
  if (/^\d+$/.test(name)) {
    throw new UserInputError(`"${name}" looks like a person id; give a name with at least one letter.`);
  }
  return name;
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
