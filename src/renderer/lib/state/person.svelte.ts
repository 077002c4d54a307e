import type { PersonFace, PersonSummary } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/** One person: their details, their faces (for bulk fixes) and the selection in the face strip. */
export class PersonState {
  person = $state<PersonSummary | null>(null);
  faces = $state<PersonFace[]>([]);
  error = $state<string | null>(null);
  selectedFaces = $state<number[]>([]);
  /** How many faces the strip shows; "Show more" raises it. */
  faceLimit = $state(120);

  constructor(
    private readonly library: LibraryState,
    readonly personId: number,
  ) {}

  async load(): Promise<void> {
    try {
      const [person, faces] = await Promise.all([
        this.library.api.getPerson({ personId: this.personId }),
        this.library.api.personFaces({ personId: this.personId, limit: this.faceLimit }),
      ]);
      this.person = person;
      this.faces = faces;
      this.selectedFaces = this.selectedFaces.filter((id) => faces.some((face) => face.id === id));
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  async showMoreFaces(): Promise<void> {
    this.faceLimit += 240;
    await this.load();
  }

  toggleFace(faceId: number): void {
    this.selectedFaces = this.selectedFaces.includes(faceId)
      ? this.selectedFaces.filter((id) => id !== faceId)
      : [...this.selectedFaces, faceId];
  }

  private async act(work: () => Promise<{ message: string }>): Promise<string> {
    const result = await work();
    this.library.changed();
    await this.load();
    return result.message;
  }

  rename(name: string): Promise<string> {
    return this.act(() => this.library.api.namePerson({ personId: this.personId, name: name.trim() }));
  }

  /** "Not this person" for the selected faces. */
  rejectSelected(): Promise<string> {
    const faceIds = this.selectedFaces;
    this.selectedFaces = [];
    return this.act(() => this.library.api.rejectFaces({ faceIds, personId: this.personId }));
  }

  /** "Move to…": an existing person by id, or a new person by name. */
  moveSelected(to: { personId: number } | { newPersonName: string }): Promise<string> {
    const faceIds = this.selectedFaces;
    this.selectedFaces = [];
    return this.act(() => this.library.api.moveFaces({ faceIds, ...to }));
  }

  setCover(faceId: number): Promise<string> {
    return this.act(() => this.library.api.setCover({ personId: this.personId, faceId }));
  }

  setBirthDate(birthDate: string): Promise<string> {
    return this.act(() => this.library.api.setBirthDate({ personId: this.personId, birthDate }));
  }

  /** XMP sidecars beside the originals of this person's photos (nothing in the library changes). */
  async writeSidecars(): Promise<string> {
    return (await this.library.api.writeSidecars({ personIds: [this.personId] })).message;
  }

  setHidden(hidden: boolean): Promise<string> {
    return this.act(() => this.library.api.setHidden({ personId: this.personId, hidden }));
  }

  mergeInto(intoId: number): Promise<string> {
    return this.act(() => this.library.api.mergePeople({ personIds: [this.personId], intoId }));
  }
}
