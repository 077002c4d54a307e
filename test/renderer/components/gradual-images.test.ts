/**
 * Image loads start a few a frame (lib/gradual-images.ts), in the order the images were made, and
 * an image removed before its turn never loads. The frames are a fake clock's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gradualSrc } from '../../../src/renderer/lib/gradual-images';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['requestAnimationFrame'] });
});
afterEach(() => vi.useRealTimers());

const started = (images: HTMLImageElement[]) => images.filter((image) => image.hasAttribute('src')).length;

describe('gradualSrc', () => {
  it('starts six loads a frame, first made first, and never one removed before its turn', () => {
    const images = Array.from({ length: 20 }, () => document.createElement('img'));
    const actions = images.map((image, i) => gradualSrc(image, `/media/thumb/${i + 1}`));
    expect(started(images)).toBe(0);
    actions[2].destroy();
    actions[15].destroy();

    vi.advanceTimersByTime(17);
    expect(images.slice(0, 7).map((image) => image.getAttribute('src'))).toEqual([
      '/media/thumb/1',
      '/media/thumb/2',
      null,
      '/media/thumb/4',
      '/media/thumb/5',
      '/media/thumb/6',
      '/media/thumb/7',
    ]);
    expect(started(images)).toBe(6);
    vi.advanceTimersByTime(17);
    expect(started(images)).toBe(12);
    vi.advanceTimersByTime(17 * 5);
    expect(started(images)).toBe(18);
    expect(images[2].hasAttribute('src')).toBe(false);
    expect(images[15].hasAttribute('src')).toBe(false);
  });

  it('takes a new address at once for an image already loading, and at its turn for one still waiting', () => {
    const loading = document.createElement('img');
    const action = gradualSrc(loading, '/media/thumb/1');
    vi.advanceTimersByTime(17);
    action.update('/media/thumb/9');
    expect(loading.getAttribute('src')).toBe('/media/thumb/9');

    const waiting = document.createElement('img');
    const later = gradualSrc(waiting, '/media/thumb/2');
    later.update('/media/thumb/3');
    expect(waiting.hasAttribute('src')).toBe(false);
    vi.advanceTimersByTime(17);
    expect(waiting.getAttribute('src')).toBe('/media/thumb/3');
  });
});
