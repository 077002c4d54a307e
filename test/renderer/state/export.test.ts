import { describe, expect, it } from 'vitest';
import type { ExportResult } from '../../../src/common/api';
import { ExportState } from '../../../src/renderer/lib/state/export.svelte';
import { fakeLibrary } from '../fake-library';

const RESULT: ExportResult = {
  message: 'Exported 2 photos',
  outDir: '/tmp/out',
  files: ['/tmp/out/a.jpg', '/tmp/out/b.jpg'],
  faces: 3,
  lists: [],
  failed: [],
};

describe('ExportState', () => {
  it('sends the selection with the options typed, and keeps the result', async () => {
    const { api, library } = fakeLibrary({ exportPhotos: async () => RESULT });
    const form = new ExportState(library, { personIds: [4], anyPerson: false });
    form.outDir = ' /tmp/out ';
    form.csv = true;
    form.maxSize = '1600';
    form.quality = '80';
    await form.run();
    expect(api.exportPhotos).toHaveBeenCalledWith({
      outDir: '/tmp/out',
      personIds: [4],
      anyPerson: false,
      unnamed: false,
      // On by default in the app: the names travel with the copies into other photo apps.
      xmp: true,
      csv: true,
      json: false,
      quality: 80,
      maxSize: 1600,
    });
    expect(form.result).toEqual(RESULT);
    expect(form.running).toBe(false);
  });

  it('names the field that is wrong and sends nothing', async () => {
    const { api, library } = fakeLibrary();
    const form = new ExportState(library, { photoIds: [1] });
    form.outDir = 'Export';
    await form.run();
    expect(form.error).toMatch(/not a full path/);
    form.outDir = '/tmp/out';
    form.quality = '101';
    await form.run();
    expect(form.error).toMatch(/quality/);
    form.quality = '90';
    form.maxSize = '10';
    await form.run();
    expect(form.error).toMatch(/longest side/i);
    expect(api.exportPhotos).not.toHaveBeenCalled();
  });

  it('shows what main refused', async () => {
    const { library } = fakeLibrary({
      exportPhotos: async () => {
        throw new Error(
          "Error invoking remote method 'kindred:exportPhotos': UserInputError: /x is inside /x",
        );
      },
    });
    const form = new ExportState(library, {});
    form.outDir = '/x';
    await form.run();
    expect(form.error).toBe('/x is inside /x');
  });

  it('follows export progress events without reloading the views', () => {
    const { library } = fakeLibrary();
    const version = library.version;
    library.onEvent({ type: 'export-progress', done: 2, total: 5 });
    expect(library.exportProgress).toEqual({ done: 2, total: 5 });
    expect(library.version).toBe(version);
  });
});
