import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PersonSummary } from '../../../src/common/api';
import { APP_CONTEXT_KEY, type AppContext } from '../../../src/renderer/lib/context';
import { Router } from '../../../src/renderer/lib/router.svelte';
import { Notices } from '../../../src/renderer/lib/state/notices.svelte';
import PeopleView from '../../../src/renderer/views/PeopleView.svelte';
import { fakeLibrary } from '../fake-library';

const person = (id: number, name: string | null, photos: number): PersonSummary => ({
  id,
  name,
  photos,
  faces: photos,
  coverFaceId: id * 10,
  hidden: false,
  birthDate: null,
});

function mountPeople(people: PersonSummary[]) {
  let current = people;
  const { api, library } = fakeLibrary({
    listPeople: async () => current,
    namePerson: async ({ personId, name }: { personId: number; name: string }) => {
      current = current.map((p) => (p.id === personId ? { ...p, name } : p));
      return { message: `Named person #${personId} "${name}"` };
    },
  });
  const notices = new Notices(0);
  const context: AppContext = { library, notices, router: new Router() };
  render(PeopleView, { context: new Map([[APP_CONTEXT_KEY, context]]) });
  return { api, notices };
}

const field = (id: number) =>
  screen.getByRole('textbox', { name: `Name for person ${id}` }) as HTMLInputElement;

async function typeName(id: number, name: string) {
  await fireEvent.input(field(id), { target: { value: name } });
  await fireEvent.submit(field(id).closest('form')!);
}

afterEach(() => vi.restoreAllMocks());

describe('PeopleView', () => {
  const PEOPLE = [person(1, 'Ada', 4), person(2, null, 9), person(3, null, 5), person(4, null, 2)];

  it('shows named people first, then the unnamed ones by size, each with a name field', async () => {
    mountPeople(PEOPLE);
    const named = await screen.findByRole('list', { name: 'Named people' });
    expect(named.textContent).toContain('Ada');
    const unnamed = screen.getByRole('list', { name: 'Unnamed people' });
    expect(
      [...unnamed.querySelectorAll('input[data-unnamed]')].map((input) => input.getAttribute('aria-label')),
    ).toEqual(['Name for person 2', 'Name for person 3', 'Name for person 4']);
    expect(screen.getByText('1 named person · 3 people to name')).toBeTruthy();
  });

  it('names with Enter and moves on to the next face, without merging anyone', async () => {
    const { api, notices } = mountPeople(PEOPLE);
    await screen.findByRole('list', { name: 'Unnamed people' });
    const ask = vi.spyOn(window, 'confirm');
    await typeName(2, 'Grace');
    await waitFor(() => expect(document.activeElement).toBe(field(3)));
    expect(ask).not.toHaveBeenCalled();
    expect(api.namePerson).toHaveBeenCalledWith({ personId: 2, name: 'Grace', merge: false });
    expect(notices.toasts.map((toast) => toast.text)).toEqual(['Named person #2 "Grace"']);
    await screen.findByRole('link', { name: 'Grace' });
  });

  it('asks before a name someone already has merges two people, and does nothing on Cancel', async () => {
    const { api } = mountPeople(PEOPLE);
    await screen.findByRole('list', { name: 'Unnamed people' });
    const ask = vi.spyOn(window, 'confirm').mockReturnValue(false);
    await typeName(3, 'Ada');
    expect(ask).toHaveBeenCalledWith(expect.stringContaining('Ada is already a person'));
    expect(api.namePerson).not.toHaveBeenCalled();
    // The typed name stays, so the user can correct it.
    expect(field(3).value).toBe('Ada');

    ask.mockReturnValue(true);
    await typeName(3, 'Ada');
    await waitFor(() =>
      expect(api.namePerson).toHaveBeenCalledWith({ personId: 3, name: 'Ada', merge: true }),
    );
  });

  it('merges the selected people after a confirmation', async () => {
    const { api } = mountPeople(PEOPLE);
    await screen.findByRole('list', { name: 'Unnamed people' });
    expect(screen.queryByRole('button', { name: /Merge/ })).toBeNull();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select Ada' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select Person 4' }));
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Merge 2 people' }));
    await waitFor(() => expect(api.mergePeople).toHaveBeenCalledWith({ personIds: [4], intoId: 1 }));
  });
});
