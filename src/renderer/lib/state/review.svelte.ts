import type { ReviewGroup } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/** Suggested faces, grouped by the named person they may be; a cursor for keyboard review. */
export class ReviewState {
  groups = $state<ReviewGroup[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  /** The face the keyboard acts on. */
  cursor = $state<number | null>(null);

  constructor(private readonly library: LibraryState) {}

  /** Every suggestion in display order. */
  get queue(): { faceId: number; personId: number }[] {
    return this.groups.flatMap((group) =>
      group.faces.map((face) => ({ faceId: face.faceId, personId: group.person.id })),
    );
  }

  async load(): Promise<void> {
    try {
      this.groups = await this.library.api.reviewGroups();
      this.error = null;
      const queue = this.queue;
      if (!queue.some((item) => item.faceId === this.cursor)) this.cursor = queue[0]?.faceId ?? null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  move(step: number): void {
    const queue = this.queue;
    if (queue.length === 0) return;
    const at = queue.findIndex((item) => item.faceId === this.cursor);
    const next = Math.min(queue.length - 1, Math.max(0, (at < 0 ? 0 : at) + step));
    this.cursor = queue[next].faceId;
  }

  /** After acting on the cursor's face, the cursor goes to the next one. */
  private async act(faceId: number, work: () => Promise<{ message: string }>): Promise<string> {
    const queue = this.queue;
    const at = queue.findIndex((item) => item.faceId === faceId);
    const following = queue[at + 1]?.faceId ?? queue[at - 1]?.faceId ?? null;
    const result = await work();
    if (this.cursor === faceId) this.cursor = following;
    this.library.changed();
    await this.load();
    return result.message;
  }

  confirm(faceId: number): Promise<string> {
    return this.act(faceId, () => this.library.api.confirmFaces({ faceIds: [faceId] }));
  }

  reject(faceId: number, personId: number): Promise<string> {
    return this.act(faceId, () => this.library.api.rejectFaces({ faceIds: [faceId], personId }));
  }

  async confirmAll(group: ReviewGroup): Promise<string> {
    const result = await this.library.api.confirmFaces({ faceIds: group.faces.map((face) => face.faceId) });
    this.library.changed();
    await this.load();
    return result.message;
  }

  async rejectAll(group: ReviewGroup): Promise<string> {
    const result = await this.library.api.rejectFaces({
      faceIds: group.faces.map((face) => face.faceId),
      personId: group.person.id,
    });
    this.library.changed();
    await this.load();
    return result.message;
  }
}
