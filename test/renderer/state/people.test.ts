import { describe, expect, it, vi } from 'vitest';
import type { PersonSummary } from '../../../src/common/api';
import { PeopleState } from '../../../src/renderer/lib/state/people.svelte';
import { fakeLibrary } from '../fake-library';

const person = (id: number, name: string | null, photos: number): PersonSummary => ({
  id,
  name,
  photos,
  faces: photos,
  coverFaceId: null,
  hidden: false,
  birthDate: null,
});
const PEOPLE = [person(1, null, 3), person(2, 'Zoe', 2), person(3, null, 9), person(4, 'Ada', 1)];

describe('PeopleState', () => {
  it('lists named people by name, then unnamed ones by number of photos', async () => {
    const { library } = fakeLibrary({ listPeople: async () => PEOPLE });
    const people = new PeopleState(library);
    await people.load();
    expect(people.named.map((p) => p.name)).toEqual(['Ada', 'Zoe']);
    expect(people.unnamed.map((p) => p.id)).toEqual([3, 1]);
  });

  it('asks for hidden people only when the toggle is on', async () => {
    const { api, library } = fakeLibrary({ listPeople: async () => PEOPLE });
    const people = new PeopleState(library);
    await people.toggleHidden();
    expect(api.listPeople).toHaveBeenLastCalledWith({ includeHidden: true });
  });

  it('merges the selection into the first named person selected', async () => {
    const { api, library } = fakeLibrary({ listPeople: async () => PEOPLE });
    const people = new PeopleState(library);
    await people.load();
    people.toggleSelected(3);
    people.toggleSelected(2);
    people.toggleSelected(1);
    expect(people.mergeTarget?.id).toBe(2);
    await people.mergeSelected();
    expect(api.mergePeople).toHaveBeenCalledWith({ personIds: [3, 1], intoId: 2 });
    expect(people.selected).toEqual([]);
  });

  it('merges unnamed people into the one with most photos, and needs two', async () => {
    const { library } = fakeLibrary({ listPeople: async () => PEOPLE });
    const people = new PeopleState(library);
    await people.load();
    people.toggleSelected(1);
    await expect(people.mergeSelected()).rejects.toThrow(/at least two/);
    people.toggleSelected(3);
    expect(people.mergeTarget?.id).toBe(3);
  });

  it('names a person; a new name is never a merge', async () => {
    const { api, library } = fakeLibrary({ listPeople: async () => PEOPLE });
    const people = new PeopleState(library);
    await people.load();
    const ask = vi.fn(() => true);
    await people.name(1, '  Grace   Hopper ', ask);
    expect(ask).not.toHaveBeenCalled();
    expect(api.namePerson).toHaveBeenCalledWith({ personId: 1, name: 'Grace Hopper', merge: false });
  });

  it("asks before a name someone already has merges them, and leaves everything as it was on 'no'", async () => {
    const { api, library } = fakeLibrary({ listPeople: async () => PEOPLE });
    const people = new PeopleState(library);
    await people.load();
    const no = vi.fn(() => false);
    expect(await people.name(1, ' Ada ', no)).toBeNull();
    expect(no).toHaveBeenCalledWith(expect.objectContaining({ id: 4, name: 'Ada' }));
    expect(api.namePerson).not.toHaveBeenCalled();

    expect(await people.name(1, 'Ada', () => true)).toBe('namePerson ok');
    expect(api.namePerson).toHaveBeenCalledWith({ personId: 1, name: 'Ada', merge: true });
  });
});
