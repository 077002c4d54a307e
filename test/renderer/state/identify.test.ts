import { describe, expect, it } from 'vitest';
import type { IdentifyResult } from '../../../src/common/api';
import { IdentifyState } from '../../../src/renderer/lib/state/identify.svelte';
import { fakeLibrary } from '../fake-library';

const box = { x: 10, y: 20, width: 30, height: 40 };
const RESULT: IdentifyResult = {
  message: 'Named 2 of 3 faces after 2 known people; 1 unknown.',
  people: [
    { name: 'amy', photos: 3 },
    { name: 'raj', photos: 2 },
  ],
  faces: [
    { photo: '/u/a.jpg', copy: 'a.jpg', box, name: 'amy', distance: 0.31 },
    { photo: '/u/a.jpg', copy: 'a.jpg', box, name: 'unknown', distance: 0.82 },
    { photo: '/u/b.jpg', copy: 'b.jpg', box, name: 'raj', distance: 0.4 },
  ],
  warnings: ['raj: no face found in /k/raj/raj3.png; not used.'],
  failed: [],
  outDir: '/o',
  resultsCsv: '/o/results.csv',
};

describe('IdentifyState', () => {
  it('sends the three folders trimmed, and the threshold when one is typed', async () => {
    const { api, library } = fakeLibrary({ identifyPhotos: async () => RESULT });
    const form = new IdentifyState(library);
    form.knownDir = ' /k ';
    form.unknownDir = '/u';
    form.outDir = '/o';
    await form.run();
    expect(api.identifyPhotos).toHaveBeenLastCalledWith({ knownDir: '/k', unknownDir: '/u', outDir: '/o' });
    form.threshold = '0.5';
    await form.run();
    expect(api.identifyPhotos).toHaveBeenLastCalledWith({
      knownDir: '/k',
      unknownDir: '/u',
      outDir: '/o',
      threshold: 0.5,
    });
    expect(form.result).toEqual(RESULT);
    expect(form.counts).toEqual({ named: 2, unknown: 1 });
    expect(form.running).toBe(false);
    expect(form.error).toBeNull();
  });

  it('names the field that is wrong and sends nothing', async () => {
    const { api, library } = fakeLibrary();
    const form = new IdentifyState(library);
    await form.run();
    expect(form.error).toBe('Choose the folder of known people.');
    form.knownDir = '/k';
    form.unknownDir = 'photos';
    form.outDir = '/o';
    await form.run();
    expect(form.error).toMatch(
      /^"photos" is not a full path: give the whole path of the folder of photos to identify/,
    );
    form.unknownDir = '/u';
    for (const threshold of ['0', '2.5', 'abc', '-1']) {
      form.threshold = threshold;
      await form.run();
      expect(form.error).toContain(`(got "${threshold}")`);
    }
    expect(api.identifyPhotos).not.toHaveBeenCalled();
  });

  it('shows what main refused, and clears the last result', async () => {
    let fail = false;
    const { library } = fakeLibrary({
      identifyPhotos: async () => {
        if (fail) throw new Error('Folder not found: /k (the folder of known people).');
        return RESULT;
      },
    });
    const form = new IdentifyState(library);
    Object.assign(form, { knownDir: '/k', unknownDir: '/u', outDir: '/o' });
    await form.run();
    expect(form.result).toEqual(RESULT);
    fail = true;
    await form.run();
    expect(form.result).toBeNull();
    expect(form.error).toMatch(/Folder not found: \/k/);
  });

  it('asks the native dialog for each folder with its purpose, and keeps a cancel from clearing it', async () => {
    const answers: (string | null)[] = ['/chosen/known', '/chosen/unknown', null];
    const { api, library } = fakeLibrary({ chooseFolder: async () => answers.shift() ?? null });
    const form = new IdentifyState(library);
    expect(form.canChoose).toBe(true);
    form.outDir = '/typed';
    await form.choose('knownDir');
    await form.choose('unknownDir');
    await form.choose('outDir');
    expect(api.chooseFolder.mock.calls).toEqual([['known'], ['unknown'], ['identified']]);
    expect([form.knownDir, form.unknownDir, form.outDir]).toEqual([
      '/chosen/known',
      '/chosen/unknown',
      '/typed',
    ]);
  });

  it('keeps identify progress apart from the library’s changes', () => {
    const { library } = fakeLibrary();
    const version = library.version;
    library.onEvent({ type: 'identify-progress', phase: 'indexing', done: 3, total: 9 });
    expect(library.identifyProgress).toEqual({ phase: 'indexing', done: 3, total: 9 });
    expect(library.version).toBe(version);
  });
});
