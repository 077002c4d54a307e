import { describe, expect, it } from 'vitest';
import { PersonState } from '../../../src/renderer/lib/state/person.svelte';
import { fakeLibrary } from '../fake-library';

describe('PersonState', () => {
  it("writes sidecars for this person's photos only, and changes nothing in the library", async () => {
    const { api, library } = fakeLibrary({
      writeSidecars: async () => ({ message: 'Wrote 3 XMP sidecars beside the originals.', reports: [] }),
    });
    const person = new PersonState(library, 7);
    const version = library.version;
    expect(await person.writeSidecars()).toBe('Wrote 3 XMP sidecars beside the originals.');
    expect(api.writeSidecars).toHaveBeenCalledWith({ personIds: [7] });
    expect(library.version).toBe(version);
  });
});
