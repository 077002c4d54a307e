import type { PersonSummary } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/**
 * The People view: named people first (by name), then unnamed ones by number of photos; hidden
 * people only on request; a selection for merging.
 */
export class PeopleState {
  people = $state<PersonSummary[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  showHidden = $state(false);
  selected = $state<number[]>([]);

  constructor(private readonly library: LibraryState) {}

  get named(): PersonSummary[] {
    return this.people
      .filter((person) => person.name !== null)
      .sort((a, b) => a.name!.localeCompare(b.name!));
  }

  get unnamed(): PersonSummary[] {
    return this.people
      .filter((person) => person.name === null)
      .sort((a, b) => b.photos - a.photos || a.id - b.id);
  }

  async load(): Promise<void> {
    try {
      this.people = await this.library.api.listPeople({ includeHidden: this.showHidden });
      this.error = null;
      this.selected = this.selected.filter((id) => this.people.some((person) => person.id === id));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async toggleHidden(): Promise<void> {
    this.showHidden = !this.showHidden;
    await this.load();
  }

  isSelected(id: number): boolean {
    return this.selected.includes(id);
  }

  toggleSelected(id: number): void {
    this.selected = this.isSelected(id)
      ? this.selected.filter((other) => other !== id)
      : [...this.selected, id];
  }

  clearSelection(): void {
    this.selected = [];
  }

  /** The person a merge keeps: the first named one selected, else the one with most photos. */
  get mergeTarget(): PersonSummary | undefined {
    const chosen = this.people.filter((person) => this.selected.includes(person.id));
    return (
      chosen.find((person) => person.name !== null) ?? [...chosen].sort((a, b) => b.photos - a.photos)[0]
    );
  }

  async mergeSelected(): Promise<string> {
    const target = this.mergeTarget;
    if (!target || this.selected.length < 2) throw new Error('Select at least two people to merge.');
    const sources = this.selected.filter((id) => id !== target.id);
    const result = await this.library.api.mergePeople({ personIds: sources, intoId: target.id });
    this.selected = [];
    this.library.changed();
    await this.load();
    return result.message;
  }

  /** The person shown here who already has this name (as the library compares names), if any. */
  holderOf(name: string, exceptId?: number): PersonSummary | undefined {
    const wanted = normalName(name);
    return this.people.find((person) => person.id !== exceptId && person.name === wanted);
  }

  /**
   * Names a person. A name someone else already has means "these are the same person": that is a
   * merge, done only when `confirmMerge` agrees (null when it does not: nothing changed).
   */
  async name(
    personId: number,
    name: string,
    confirmMerge: (holder: PersonSummary) => boolean | Promise<boolean>,
  ): Promise<string | null> {
    const holder = this.holderOf(name, personId);
    if (holder && !(await confirmMerge(holder))) return null;
    const result = await this.library.api.namePerson({
      personId,
      name: normalName(name),
      merge: holder !== undefined,
    });
    this.library.changed();
    await this.load();
    return result.message;
  }

  async setHidden(personId: number, hidden: boolean): Promise<string> {
    const result = await this.library.api.setHidden({ personId, hidden });
    this.library.changed();
    await this.load();
    return result.message;
  }
}

/** Spaces as the library stores names: trimmed, runs of white space as one space. */
const normalName = (name: string) => name.trim().replace(/\s+/g, ' ');
