import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IdentifyResult } from '../../../src/common/api';
import IdentifyDialog from '../../../src/renderer/components/IdentifyDialog.svelte';
import { APP_CONTEXT_KEY, type AppContext } from '../../../src/renderer/lib/context';
import { Router } from '../../../src/renderer/lib/router.svelte';
import { Notices } from '../../../src/renderer/lib/state/notices.svelte';
import FoldersView from '../../../src/renderer/views/FoldersView.svelte';
import { fakeLibrary } from '../fake-library';

const box = { x: 10.4, y: 20, width: 30, height: 40.6 };
const RESULT: IdentifyResult = {
  message: 'Named 2 of 3 faces after 2 known people; 1 unknown. Annotated copies and results.csv are in /o.',
  people: [
    { name: 'amy', photos: 3 },
    { name: 'raj', photos: 2 },
  ],
  faces: [
    { photo: '/u/party.jpg', copy: 'party.jpg', box, name: 'amy', distance: 0.31234 },
    { photo: '/u/party.jpg', copy: 'party.jpg', box, name: 'unknown', distance: 0.82 },
    { photo: '/u/beach.jpg', copy: 'beach.jpg', box, name: 'raj', distance: 0.4 },
  ],
  warnings: [
    'raj: no face found in /k/raj/raj3.png; not used. Give a photo where the face is clearly visible.',
  ],
  failed: [],
  outDir: '/o',
  resultsCsv: '/o/results.csv',
};

function mount(overrides: Parameters<typeof fakeLibrary>[0] = {}) {
  const fake = fakeLibrary(overrides);
  const notices = new Notices(0);
  const context: AppContext = { library: fake.library, notices, router: new Router() };
  const onclose = vi.fn();
  render(IdentifyDialog, { props: { onclose }, context: new Map([[APP_CONTEXT_KEY, context]]) });
  return { ...fake, notices, onclose };
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

async function fill(known: string, unknown: string, out: string) {
  await fireEvent.input(input('Known people'), { target: { value: known } });
  await fireEvent.input(input('Photos to identify'), { target: { value: unknown } });
  await fireEvent.input(input('Output folder'), { target: { value: out } });
}

afterEach(() => vi.restoreAllMocks());

describe('IdentifyDialog', () => {
  it('runs with the typed folders, then shows the summary, the warnings by name and the results', async () => {
    const { api, notices } = mount({ identifyPhotos: async () => RESULT });
    const run = screen.getByRole('button', { name: 'Identify' }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    // Browser mode: no native dialog, so no "Choose…" buttons.
    expect(screen.queryByRole('button', { name: /Choose/ })).toBeNull();
    await fill('/k', '/u', '/o');
    expect(run.disabled).toBe(false);
    await fireEvent.click(run);

    const status = await screen.findByRole('status');
    expect(status.textContent).toMatch(/2 faces named, 1 unknown\s+against 2 known people/);
    expect(status.textContent).toMatch(/results\.csv\s+are in\s+\/o/);
    expect(api.identifyPhotos).toHaveBeenCalledWith({ knownDir: '/k', unknownDir: '/u', outDir: '/o' });
    const warnings = screen.getByRole('list', { name: 'Warnings' });
    expect(warnings.textContent).toContain('raj: no face found in /k/raj/raj3.png');
    const rows = [...screen.getByRole('table', { name: 'Results' }).querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['party.jpg', '10, 20, 30 × 41', 'amy', '0.312'],
      ['party.jpg', '10, 20, 30 × 41', 'unknown', '0.820'],
      ['beach.jpg', '10, 20, 30 × 41', 'raj', '0.400'],
    ]);
    expect(notices.toasts.at(-1)?.text).toBe(RESULT.message);
    expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy();
  });

  it('shows progress while running and keeps the form from being sent twice', async () => {
    let finish: (result: IdentifyResult) => void = () => {};
    const { api, library } = mount({
      identifyPhotos: () => new Promise<IdentifyResult>((resolve) => (finish = resolve)),
    });
    await fill('/k', '/u', '/o');
    await fireEvent.click(screen.getByRole('button', { name: 'Identify' }));
    const running = screen.getByRole('button', { name: 'Identifying…' }) as HTMLButtonElement;
    expect(running.disabled).toBe(true);
    library.onEvent({ type: 'identify-progress', phase: 'indexing', done: 4, total: 29 });
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/Finding faces… 4 of 29 photos/),
    );
    library.onEvent({ type: 'identify-progress', phase: 'annotating', done: 2, total: 5 });
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/Writing the annotated copies… 2 of 5/),
    );
    await fireEvent.click(running);
    expect(api.identifyPhotos).toHaveBeenCalledTimes(1);
    finish({ ...RESULT, faces: [], warnings: [] });
    expect(await screen.findByText('No face was found in the photos to identify.')).toBeTruthy();
  });

  it('says what is wrong, from the form or from main', async () => {
    const { api } = mount({
      identifyPhotos: async () => {
        throw new Error('Folder not found: /k (the folder of known people). Check the path.');
      },
    });
    await fill('/k', 'relative', '/o');
    await fireEvent.click(screen.getByRole('button', { name: 'Identify' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/"relative" is not a full path/);
    expect(api.identifyPhotos).not.toHaveBeenCalled();
    await fireEvent.input(input('Photos to identify'), { target: { value: '/u' } });
    await fireEvent.input(input('Threshold'), { target: { value: '3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Identify' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/at most 2, for example 0.6 \(got "3"\)/);
    await fireEvent.input(input('Threshold'), { target: { value: '0.55' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Identify' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Folder not found: \/k/);
    expect(api.identifyPhotos).toHaveBeenCalledWith({
      knownDir: '/k',
      unknownDir: '/u',
      outDir: '/o',
      threshold: 0.55,
    });
  });

  it('in Electron, chooses each folder with the native dialog; Escape closes', async () => {
    const { api, onclose } = mount({ chooseFolder: async (purpose: string) => `/picked/${purpose}` });
    await fireEvent.click(screen.getByRole('button', { name: 'Choose known people' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Choose photos to identify' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Choose output folder' }));
    await waitFor(() => expect(input('Output folder').value).toBe('/picked/identified'));
    expect(input('Known people').value).toBe('/picked/known');
    expect(input('Photos to identify').value).toBe('/picked/unknown');
    expect(api.chooseFolder).toHaveBeenCalledTimes(3);
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onclose).toHaveBeenCalled();
  });
});

describe('FoldersView', () => {
  it('opens the Identify dialog from "Identify people in a folder…"', async () => {
    const { library } = fakeLibrary({ listFolders: async () => [] });
    const context: AppContext = { library, notices: new Notices(0), router: new Router() };
    render(FoldersView, { context: new Map([[APP_CONTEXT_KEY, context]]) });
    expect(screen.queryByRole('dialog')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Identify people in a folder…' }));
    expect(screen.getByRole('dialog', { name: 'Identify people in a folder' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
