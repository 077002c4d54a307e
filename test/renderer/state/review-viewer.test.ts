import { describe, expect, it } from 'vitest';
import type { PhotoDetail, PhotoFace, ReviewGroup } from '../../../src/common/api';
import { ReviewState } from '../../../src/renderer/lib/state/review.svelte';
import { ViewerState } from '../../../src/renderer/lib/state/viewer.svelte';
import { fakeLibrary } from '../fake-library';

const group = (personId: number, faceIds: number[]): ReviewGroup => ({
  person: {
    id: personId,
    name: `P${personId}`,
    faces: 1,
    photos: 1,
    coverFaceId: null,
    hidden: false,
    birthDate: null,
  },
  faces: faceIds.map((faceId) => ({ faceId, photoId: faceId * 10, distance: 0.55 })),
});

describe('ReviewState', () => {
  it('walks every suggestion with the keyboard cursor, within bounds', async () => {
    const { library } = fakeLibrary({ reviewGroups: async () => [group(1, [11, 12]), group(2, [21])] });
    const review = new ReviewState(library);
    await review.load();
    expect(review.cursor).toBe(11);
    review.move(1);
    review.move(1);
    expect(review.cursor).toBe(21);
    review.move(1);
    expect(review.cursor).toBe(21);
    review.move(-5);
    expect(review.cursor).toBe(11);
  });

  it('confirms the face under the cursor and moves on to the next', async () => {
    let groups = [group(1, [11, 12])];
    const { api, library } = fakeLibrary({ reviewGroups: async () => groups });
    const review = new ReviewState(library);
    await review.load();
    groups = [group(1, [12])];
    await review.confirm(11);
    expect(api.confirmFaces).toHaveBeenCalledWith({ faceIds: [11] });
    expect(review.cursor).toBe(12);
  });

  it('rejects all of a group from its person', async () => {
    const { api, library } = fakeLibrary({ reviewGroups: async () => [group(3, [31, 32])] });
    const review = new ReviewState(library);
    await review.load();
    await review.rejectAll(review.groups[0]);
    expect(api.rejectFaces).toHaveBeenCalledWith({ faceIds: [31, 32], personId: 3 });
  });
});

const face = (overrides: Partial<PhotoFace>): PhotoFace => ({
  id: 5,
  box: { x: 0, y: 0, width: 10, height: 10 },
  personId: null,
  personName: null,
  confirmed: false,
  suggestion: null,
  ...overrides,
});
const PHOTO = { id: 9, faces: [] } as unknown as PhotoDetail;

describe('ViewerState', () => {
  const viewer = () => {
    const fake = fakeLibrary({ getPhoto: async () => PHOTO, photoPage: async () => [] });
    return {
      ...fake,
      viewer: new ViewerState(fake.library, 9, { index: 4, personIds: [2], anyPerson: false }),
    };
  };

  it('names the whole unnamed group when its face is named', async () => {
    const { api, viewer: state } = viewer();
    await state.nameFace(face({ personId: 7 }), 'Ada', undefined);
    expect(api.namePerson).toHaveBeenCalledWith({ personId: 7, name: 'Ada' });
  });

  it('moves one face to a named person, or to a new person for a new name', async () => {
    const { api, viewer: state } = viewer();
    await state.nameFace(face({ personId: 7, personName: 'Bo' }), 'Ada', 3);
    expect(api.moveFaces).toHaveBeenCalledWith({ faceIds: [5], personId: 3 });
    await state.nameFace(face({ personId: 7, personName: 'Bo' }), 'Cy', undefined);
    expect(api.moveFaces).toHaveBeenLastCalledWith({ faceIds: [5], newPersonName: 'Cy' });
  });

  it('rejects a face from its person, or from its suggestion', async () => {
    const { api, viewer: state } = viewer();
    await state.rejectFace(face({ personId: 7, personName: 'Bo' }));
    expect(api.rejectFaces).toHaveBeenCalledWith({ faceIds: [5], personId: 7 });
    await state.rejectFace(face({ suggestion: { personId: 8, personName: 'Di' } }));
    expect(api.rejectFaces).toHaveBeenLastCalledWith({ faceIds: [5], personId: 8 });
  });

  it('finds its neighbours in the list it was opened from', async () => {
    const { api, viewer: state } = viewer();
    await state.load();
    expect(api.photoPage).toHaveBeenCalledWith({ personIds: [2], anyPerson: false, offset: 3, limit: 1 });
    expect(api.photoPage).toHaveBeenCalledWith({ personIds: [2], anyPerson: false, offset: 5, limit: 1 });
  });
});
