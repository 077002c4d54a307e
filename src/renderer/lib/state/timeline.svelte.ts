import { SvelteMap } from 'svelte/reactivity';
import type { GridPhoto, PhotoFilter, TimelineMonth } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/** One positioned block of the virtual grid: a month heading or a row of photos. */
export type LayoutBlock =
  | { kind: 'heading'; top: number; height: number; month: string | null; count: number }
  | { kind: 'row'; top: number; height: number; firstIndex: number; length: number };

export interface Layout {
  blocks: LayoutBlock[];
  height: number;
  columns: number;
  cell: number;
}

export const HEADING_HEIGHT = 52;
export const GAP = 4;
export const PAGE_SIZE = 240;
/** A scroll faster than this (px/ms, about six screens a second) defers thumbnails until it slows. */
export const FAST_SCROLL = 5;
/** How long a fast scroll must pause before the thumbnails where it stopped load. */
export const SETTLE_MS = 100;
/** A scroll's speed is measured over at most this long (about two frames). */
export const SPEED_WINDOW_MS = 34;

/**
 * The whole grid's geometry from month counts alone (no photo rows needed): 100,000 photos are a
 * few thousand blocks, computed in a millisecond, and only the visible ones are rendered.
 */
export function computeLayout(months: readonly TimelineMonth[], width: number, targetCell = 168): Layout {
  const columns = Math.max(2, Math.floor((width + GAP) / (targetCell + GAP)));
  const cell = Math.max(40, (width - GAP * (columns - 1)) / columns);
  const blocks: LayoutBlock[] = [];
  let top = 0;
  let index = 0;
  for (const month of months) {
    blocks.push({ kind: 'heading', top, height: HEADING_HEIGHT, month: month.month, count: month.count });
    top += HEADING_HEIGHT;
    for (let first = 0; first < month.count; first += columns) {
      const length = Math.min(columns, month.count - first);
      blocks.push({ kind: 'row', top, height: cell + GAP, firstIndex: index + first, length });
      top += cell + GAP;
    }
    index += month.count;
  }
  return { blocks, height: top, columns, cell };
}

/** The blocks that overlap [top, bottom], found by binary search. */
export function visibleBlocks(layout: Layout, top: number, bottom: number): LayoutBlock[] {
  const { blocks } = layout;
  let low = 0;
  let high = blocks.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (blocks[middle].top + blocks[middle].height <= top) low = middle + 1;
    else high = middle;
  }
  const visible: LayoutBlock[] = [];
  for (let i = low; i < blocks.length && blocks[i].top < bottom; i++) visible.push(blocks[i]);
  return visible;
}

/**
 * A timeline of photos (the whole library, or a person's, or filtered by people): month counts
 * up front, photo rows fetched a page at a time as they scroll into view.
 */
export class TimelineState {
  months = $state<TimelineMonth[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  readonly pages = new SvelteMap<number, GridPhoto[]>();
  // Bookkeeping only (which pages were asked for): nothing renders from it, so it stays plain.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private requested = new Set<number>();
  private generation = 0;

  constructor(
    private readonly library: LibraryState,
    public filter: PhotoFilter = {},
  ) {}

  get total(): number {
    return this.months.reduce((sum, month) => sum + month.count, 0);
  }

  async load(filter: PhotoFilter = this.filter): Promise<void> {
    this.filter = filter;
    const generation = ++this.generation;
    try {
      // The first page comes with the month counts rather than one round trip after them.
      const [months, firstPage] = await Promise.all([
        this.library.api.timeline(filter),
        this.library.api.photoPage({ ...filter, offset: 0, limit: PAGE_SIZE }),
      ]);
      if (generation !== this.generation) return;
      this.pages.clear();
      this.requested.clear();
      this.pages.set(0, firstPage);
      this.requested.add(0);
      this.months = months;
      this.error = null;
    } catch (error) {
      if (generation === this.generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** The photo at a position in the timeline, or undefined until its page arrives. */
  photoAt(index: number): GridPhoto | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Fetches the pages that hold positions first..last (each page once). */
  ensure(first: number, last: number): void {
    for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) {
      if (this.requested.has(page)) continue;
      this.requested.add(page);
      const generation = this.generation;
      this.library.api
        .photoPage({ ...this.filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
        .then((photos) => {
          if (generation === this.generation) this.pages.set(page, photos);
        })
        .catch((error: unknown) => {
          this.requested.delete(page);
          this.error = errorMessage(error);
        });
    }
  }
}
