import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { PersonSummary } from '../../../src/common/api';
import PersonPicker from '../../../src/renderer/components/PersonPicker.svelte';
import { APP_CONTEXT_KEY, type AppContext } from '../../../src/renderer/lib/context';
import { Router } from '../../../src/renderer/lib/router.svelte';
import { Notices } from '../../../src/renderer/lib/state/notices.svelte';
import { fakeLibrary } from '../fake-library';

const person = (id: number, name: string | null, hidden = false): PersonSummary => ({
  id,
  name,
  photos: 1,
  faces: 1,
  coverFaceId: null,
  hidden,
  birthDate: null,
});

function mountPicker(props: { exclude?: number[] } = {}) {
  const { api, library } = fakeLibrary({
    listPeople: async () => [
      person(1, 'Ada Lovelace'),
      person(2, null),
      person(3, 'Grace', true),
      person(4, 'Alan'),
    ],
  });
  const context: AppContext = { library, notices: new Notices(0), router: new Router() };
  const onpick = vi.fn();
  const oncancel = vi.fn();
  render(PersonPicker, {
    props: { label: 'Who is this?', onpick, oncancel, ...props },
    context: new Map([[APP_CONTEXT_KEY, context]]),
  });
  return {
    api,
    onpick,
    oncancel,
    field: screen.getByRole('combobox', { name: 'Who is this?' }) as HTMLInputElement,
  };
}

async function submit(field: HTMLInputElement, value: string) {
  await fireEvent.input(field, { target: { value } });
  await fireEvent.submit(field.closest('form')!);
}

describe('PersonPicker', () => {
  it('suggests every named person, hidden ones too, but not the excluded', async () => {
    const { api } = mountPicker({ exclude: [4] });
    expect(api.listPeople).toHaveBeenCalledWith({ includeHidden: true });
    await waitFor(() =>
      expect(
        [...document.querySelectorAll('datalist option')].map((option) => option.getAttribute('value')),
      ).toEqual(['Ada Lovelace', 'Grace']),
    );
  });

  it("picks an existing person whatever the case typed, with that person's id and spelling", async () => {
    const { onpick, field } = mountPicker();
    await waitFor(() => expect(document.querySelectorAll('datalist option')).toHaveLength(3));
    await submit(field, '  ada lovelace ');
    expect(onpick).toHaveBeenCalledWith('Ada Lovelace', 1);
    expect(field.value).toBe('');
  });

  it('passes a new name on without an id, ignores an empty one, and cancels on Escape', async () => {
    const { onpick, oncancel, field } = mountPicker();
    expect((screen.getByRole('button', { name: 'OK' }) as HTMLButtonElement).disabled).toBe(true);
    await submit(field, '   ');
    expect(onpick).not.toHaveBeenCalled();
    await submit(field, 'Marie Curie');
    expect(onpick).toHaveBeenCalledWith('Marie Curie', undefined);
    await fireEvent.keyDown(field, { key: 'Escape' });
    expect(oncancel).toHaveBeenCalled();
  });
});
