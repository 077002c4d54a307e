import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { PersonSummary } from '../../../src/common/api';
import PersonCard from '../../../src/renderer/components/PersonCard.svelte';

const person = (overrides: Partial<PersonSummary> = {}): PersonSummary => ({
  id: 7,
  name: null,
  photos: 12,
  faces: 14,
  coverFaceId: 31,
  hidden: false,
  birthDate: null,
  ...overrides,
});

describe('PersonCard', () => {
  it('offers an "Add a name" field for an unnamed person and hands the name over on Enter', async () => {
    const onname = vi.fn();
    render(PersonCard, { person: person(), selected: false, ontoggle: vi.fn(), onname });
    const field = screen.getByRole('textbox', { name: 'Name for person 7' });
    await fireEvent.input(field, { target: { value: '   ' } });
    await fireEvent.submit(field.closest('form')!);
    expect(onname).not.toHaveBeenCalled();

    await fireEvent.input(field, { target: { value: 'Grandma Rose' } });
    await fireEvent.submit(field.closest('form')!);
    expect(onname).toHaveBeenCalledWith('Grandma Rose', field);
  });

  it('shows a named person as a link to their page, with the cover face and photo count', () => {
    render(PersonCard, { person: person({ name: 'Ada', photos: 1 }), selected: false, ontoggle: vi.fn() });
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByRole('link', { name: 'Ada' }).getAttribute('href')).toBe('#/person/7');
    expect(
      screen.getByRole('link', { name: 'Ada, 1 photo' }).querySelector('img')?.getAttribute('src'),
    ).toMatch(/face\/31$/);
    expect(screen.getByText('1 photo')).toBeTruthy();
  });

  it('toggles its selection from the checkbox and marks a hidden person', async () => {
    const ontoggle = vi.fn();
    const { container } = render(PersonCard, {
      person: person({ name: 'Ada', hidden: true }),
      selected: true,
      ontoggle,
    });
    const box = screen.getByRole('checkbox', { name: 'Select Ada' }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    await fireEvent.click(box);
    expect(ontoggle).toHaveBeenCalledTimes(1);
    expect(container.querySelector('.card')?.classList.contains('hidden')).toBe(true);
    expect(screen.getByText('12 photos · hidden')).toBeTruthy();
  });
});
