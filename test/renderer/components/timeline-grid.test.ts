/**
 * The timeline loads photos (their page and their thumbnail) only in a band around the viewport,
 * and a fast scroll leaves that band behind until it slows or pauses (docs/ui-bench.md): what it
 * flings past is never fetched, and where it stops loads 100 ms later. jsdom lays nothing out, so
 * the scroller's size is given and the clock is a fake one.
 */
import { render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GridPhoto, PhotoPageQuery } from '../../../src/common/api';
import TimelineGrid from '../../../src/renderer/components/TimelineGrid.svelte';
import { PAGE_SIZE, SETTLE_MS, TimelineState } from '../../../src/renderer/lib/state/timeline.svelte';
import { fakeLibrary } from '../fake-library';

const MONTHS = Array.from({ length: 20 }, (_, i) => ({
  month: `2020-${String(i + 1).padStart(2, '0')}`,
  count: 600,
}));
const size = { clientHeight: 800, clientWidth: 1064 };
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'requestAnimationFrame'] });
  for (const [name, value] of Object.entries(size)) {
    saved.set(name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
  // Reports the scroller's size as soon as it is observed.
  globalThis.ResizeObserver = class {
    constructor(private readonly callback: ResizeObserverCallback) {}
    observe() {
      this.callback([], this as unknown as ResizeObserver);
    }
    unobserve() {}
    disconnect() {}
  };
});

afterEach(() => {
  // Lets the frames queued under this test's clock run, so that no image load waits for a frame
  // that the next test's clock would never give.
  vi.runAllTimers();
  vi.useRealTimers();
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
  }
});

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await tick();
    await Promise.resolve();
  }
}

async function mountTimeline() {
  const { api, library } = fakeLibrary({
    timeline: async () => MONTHS,
    photoPage: async (query: PhotoPageQuery) =>
      Array.from({ length: PAGE_SIZE }, (_, i): GridPhoto => ({
        id: query.offset! + i + 1,
        width: 400,
        height: 300,
        takenAt: null,
      })),
  });
  const timeline = new TimelineState(library);
  await timeline.load();
  const { container } = render(TimelineGrid, { props: { timeline, label: 'Photos' } });
  await settle();
  const scroller = container.querySelector('.scroller') as HTMLElement;
  const pagesAsked = () =>
    new Set(api.photoPage.mock.calls.map(([query]) => (query as PhotoPageQuery).offset! / PAGE_SIZE));
  // The thumbnails whose loads have started (a few start each frame: lib/gradual-images.ts).
  const thumbnailIds = () =>
    [...container.querySelectorAll('.cell img[src]')].map((image) =>
      Number(image.getAttribute('src')!.split('/').pop()),
    );
  const waitingImages = () => container.querySelectorAll('.cell img:not([src])').length;
  /** Lets the frames pass that start every waiting thumbnail. */
  const framesPass = async () => {
    for (let frame = 0; frame < 40 && waitingImages() > 0; frame++) vi.advanceTimersByTime(17);
    await settle();
  };
  /** Scrolls to `top` after `afterMs` of the fake clock, as one scroll event. */
  const scrollTo = async (top: number, afterMs: number) => {
    vi.advanceTimersByTime(afterMs);
    scroller.scrollTop = top;
    scroller.dispatchEvent(new Event('scroll'));
    await settle();
  };
  return { pagesAsked, thumbnailIds, waitingImages, framesPass, scrollTo };
}

describe('TimelineGrid: photos load around the viewport, not where a fast scroll passes', () => {
  it('a fling far down fetches nothing on the way and shows no thumbnail until it pauses, then loads where it stopped', async () => {
    const grid = await mountTimeline();
    await grid.framesPass();
    expect(grid.thumbnailIds().length).toBeGreaterThan(0);
    const pagesAtStart = grid.pagesAsked();

    // ~40,000 px in 16 ms: far faster than the 5 px/ms a reading scroll moves at.
    await grid.scrollTo(20_000, 16);
    await grid.scrollTo(40_000, 16);
    expect(grid.pagesAsked()).toEqual(pagesAtStart);
    expect(grid.thumbnailIds()).toEqual([]);

    vi.advanceTimersByTime(SETTLE_MS);
    await settle();
    await grid.framesPass();
    const pagesAfter = [...grid.pagesAsked()].filter((page) => !pagesAtStart.has(page));
    // Only the pages around 40,000 px (5 photos a row of ~201 px: ~990 photos in), none passed on the way.
    expect(pagesAfter.length).toBeGreaterThan(0);
    expect(Math.min(...pagesAfter)).toBeGreaterThanOrEqual(3);
    const shown = grid.thumbnailIds();
    expect(shown.length).toBeGreaterThan(0);
    expect(Math.min(...shown)).toBeGreaterThan(3 * PAGE_SIZE);
  });

  it('starts the thumbnails of a screen a few a frame, top first, not all in one frame', async () => {
    const grid = await mountTimeline();
    const cells = grid.waitingImages();
    // Two rows of five here (jsdom gives the header the scroller's height).
    expect(cells).toBeGreaterThan(6);
    expect(grid.thumbnailIds()).toEqual([]);
    vi.advanceTimersByTime(17);
    await settle();
    const first = grid.thumbnailIds();
    expect(first.length).toBe(6);
    vi.advanceTimersByTime(17);
    await settle();
    const second = grid.thumbnailIds();
    expect(second.length).toBe(Math.min(12, cells));
    // In the order of the grid: the first frame's photos come before the second frame's.
    expect(Math.max(...first)).toBeLessThan(Math.min(...second.filter((id) => !first.includes(id))));
    await grid.framesPass();
    expect(grid.thumbnailIds()).toHaveLength(cells);
  });

  it('a slow scroll loads as it goes, without waiting for a pause', async () => {
    const grid = await mountTimeline();
    const pagesAtStart = grid.pagesAsked();
    // 80 px every 40 ms (2 px/ms), never pausing long enough (100 ms) for a deferred load to start.
    for (let top = 80; top <= 12_000; top += 80) await grid.scrollTo(top, 40);
    expect(grid.pagesAsked().size).toBeGreaterThan(pagesAtStart.size);
    const shown = grid.thumbnailIds();
    // Rows at ~12,000 px hold photos ~290 on: they show while the scroll is still going.
    expect(Math.max(...shown)).toBeGreaterThan(250);
  });
});
