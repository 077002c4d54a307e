import { describe, expect, it } from 'vitest';
import type { GridPhoto, PhotoPageQuery } from '../../../src/common/api';
import {
  computeLayout,
  HEADING_HEIGHT,
  PAGE_SIZE,
  TimelineState,
  visibleBlocks,
} from '../../../src/renderer/lib/state/timeline.svelte';
import { fakeLibrary } from '../fake-library';

const months = [
  { month: '2024-05', count: 7 },
  { month: '2023-12', count: 2 },
  { month: null, count: 1 },
];

describe('computeLayout', () => {
  it('puts a heading before each month and its photos in rows of whole columns', () => {
    const layout = computeLayout(months, 3 * 168 + 2 * 4);
    expect(layout.columns).toBe(3);
    expect(layout.blocks.map((block) => block.kind)).toEqual([
      'heading',
      'row',
      'row',
      'row',
      'heading',
      'row',
      'heading',
      'row',
    ]);
    const rows = layout.blocks.filter((block) => block.kind === 'row');
    expect(rows.map((row) => [row.firstIndex, row.length])).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
      [7, 2],
      [9, 1],
    ]);
    expect(layout.height).toBe(3 * HEADING_HEIGHT + 5 * (layout.cell + 4));
  });

  it('lays out 100,000 photos without any photo rows, and finds the visible blocks by position', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ month: `2000-${i}`, count: 500 }));
    const layout = computeLayout(many, 1000);
    const lastRow = layout.blocks.at(-1)!;
    expect(lastRow.kind === 'row' && lastRow.firstIndex + lastRow.length).toBe(100_000);
    const middle = layout.height / 2;
    const visible = visibleBlocks(layout, middle, middle + 800);
    expect(visible.length).toBeGreaterThan(0);
    expect(visible[0].top).toBeLessThanOrEqual(middle);
    expect(visible[0].top + visible[0].height).toBeGreaterThan(middle);
    expect(visible.at(-1)!.top).toBeLessThan(middle + 800);
  });
});

describe('TimelineState', () => {
  it('loads month counts, then fetches each page of photos once as it is needed', async () => {
    const photoPage = async (query: PhotoPageQuery): Promise<GridPhoto[]> =>
      Array.from({ length: query.limit }, (_, i) => ({
        id: query.offset + i + 1,
        width: 1,
        height: 1,
        takenAt: null,
      }));
    const { api, library } = fakeLibrary({
      timeline: async () => [{ month: '2024-01', count: 1000 }],
      photoPage,
    });
    const timeline = new TimelineState(library, { personIds: [4] });
    await timeline.load();
    expect(timeline.total).toBe(1000);
    expect(api.timeline).toHaveBeenCalledWith({ personIds: [4] });

    // The first page arrives with the counts; the second is fetched once, when needed.
    expect(api.photoPage).toHaveBeenCalledTimes(1);
    expect(timeline.photoAt(0)?.id).toBe(1);
    timeline.ensure(0, PAGE_SIZE + 5);
    timeline.ensure(10, 20);
    expect(api.photoPage).toHaveBeenCalledTimes(2);
    expect(api.photoPage).toHaveBeenCalledWith({ personIds: [4], offset: PAGE_SIZE, limit: PAGE_SIZE });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(timeline.photoAt(PAGE_SIZE + 1)?.id).toBe(PAGE_SIZE + 2);
    expect(timeline.photoAt(3 * PAGE_SIZE)).toBeUndefined();
  });

  it('shows the error when the library cannot answer', async () => {
    const { library } = fakeLibrary({ timeline: async () => Promise.reject(new Error('disk gone')) });
    const timeline = new TimelineState(library);
    await timeline.load();
    expect(timeline.error).toBe('disk gone');
  });
});
