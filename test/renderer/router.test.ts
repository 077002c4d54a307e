import { describe, expect, it } from 'vitest';
import { parseRoute, photoHref } from '../../src/renderer/lib/router.svelte';

describe('hash routes', () => {
  it.each([
    ['', { view: 'photos' }],
    ['#/people', { view: 'people' }],
    ['#/person/12', { view: 'person', personId: 12 }],
    ['#/person/abc', { view: 'people' }],
    ['#/review', { view: 'review' }],
    ['#/folders', { view: 'folders' }],
    ['#/nowhere', { view: 'photos' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips the viewer context through photoHref', () => {
    const href = photoHref(5, { index: 3, personIds: [1, 2], anyPerson: true });
    expect(parseRoute(href)).toEqual({
      view: 'photo',
      photoId: 5,
      context: { index: 3, personIds: [1, 2], anyPerson: true },
    });
    expect(parseRoute(photoHref(5))).toEqual({
      view: 'photo',
      photoId: 5,
      context: { index: null, personIds: [], anyPerson: false },
    });
  });
});
