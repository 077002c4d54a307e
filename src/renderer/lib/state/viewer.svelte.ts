import type { Box, PhotoDetail, PhotoFace } from '../../../common/api';
import { errorMessage } from '../format';
import type { ViewerContext } from '../router.svelte';
import type { LibraryState } from './library.svelte';

/** The photo viewer: one photo with its faces, and its neighbours in the list it was opened from. */
export class ViewerState {
  photo = $state<PhotoDetail | null>(null);
  error = $state<string | null>(null);
  previousId = $state<number | null>(null);
  nextId = $state<number | null>(null);
  activeFaceId = $state<number | null>(null);
  drawing = $state(false);

  constructor(
    private readonly library: LibraryState,
    readonly photoId: number,
    readonly context: ViewerContext,
  ) {}

  get activeFace(): PhotoFace | undefined {
    return this.photo?.faces.find((face) => face.id === this.activeFaceId);
  }

  async load(): Promise<void> {
    try {
      this.photo = await this.library.api.getPhoto({ photoId: this.photoId });
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
    await this.loadNeighbours();
  }

  private async loadNeighbours(): Promise<void> {
    const { index, personIds, anyPerson } = this.context;
    if (index === null) return;
    const filter = { personIds, anyPerson };
    const [before, after] = await Promise.all([
      index > 0
        ? this.library.api.photoPage({ ...filter, offset: index - 1, limit: 1 })
        : Promise.resolve([]),
      this.library.api.photoPage({ ...filter, offset: index + 1, limit: 1 }),
    ]);
    this.previousId = before[0]?.id ?? null;
    this.nextId = after[0]?.id ?? null;
  }

  private async act(work: () => Promise<{ message: string }>): Promise<string> {
    const result = await work();
    this.library.changed();
    this.activeFaceId = null;
    this.photo = await this.library.api.getPhoto({ photoId: this.photoId });
    return result.message;
  }

  /**
   * "Who is this?" answered: a face of an unnamed group names the group; otherwise the face
   * moves to the named person (a new one if nobody has that name yet).
   */
  nameFace(face: PhotoFace, name: string, existingId: number | undefined): Promise<string> {
    const trimmed = name.trim();
    if (existingId !== undefined)
      return this.act(() => this.library.api.moveFaces({ faceIds: [face.id], personId: existingId }));
    if (face.personId !== null && face.personName === null) {
      return this.act(() => this.library.api.namePerson({ personId: face.personId!, name: trimmed }));
    }
    return this.act(() => this.library.api.moveFaces({ faceIds: [face.id], newPersonName: trimmed }));
  }

  rejectFace(face: PhotoFace): Promise<string> {
    const personId = face.personId ?? face.suggestion?.personId;
    return this.act(() =>
      this.library.api.rejectFaces({ faceIds: [face.id], ...(personId ? { personId } : {}) }),
    );
  }

  confirmFace(face: PhotoFace): Promise<string> {
    return this.act(() => this.library.api.confirmFaces({ faceIds: [face.id] }));
  }

  notAFace(face: PhotoFace): Promise<string> {
    return this.act(() => this.library.api.deleteFace({ faceId: face.id }));
  }

  addFace(box: Box): Promise<string> {
    this.drawing = false;
    return this.act(() => this.library.api.addFace({ photoId: this.photoId, box }));
  }
}
