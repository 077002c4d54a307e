import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PhotoFace } from '../../../src/common/api';
import FaceBoxes from '../../../src/renderer/components/FaceBoxes.svelte';

const face = (id: number, overrides: Partial<PhotoFace> = {}): PhotoFace => ({
  id,
  box: { x: 100 * id, y: 40, width: 80, height: 90 },
  personId: null,
  personName: null,
  confirmed: false,
  suggestion: null,
  ...overrides,
});

const FACES = [
  face(1, { personId: 5, personName: 'Marie Curie', confirmed: true }),
  face(2, { suggestion: { personId: 6, personName: 'Pierre Curie' } }),
  face(3),
];

beforeAll(() => {
  // jsdom has no pointer capture; the overlay only needs the call to exist.
  HTMLElement.prototype.setPointerCapture ??= () => {};
});

describe('FaceBoxes', () => {
  it('boxes every face at the displayed scale, labelled with its name, a suggestion or a question', () => {
    render(FaceBoxes, {
      faces: FACES,
      scale: 0.5,
      activeId: 2,
      drawing: false,
      onselect: vi.fn(),
      ondraw: vi.fn(),
    });
    const boxes = screen.getAllByRole('button');
    expect(boxes.map((box) => box.getAttribute('aria-label'))).toEqual([
      'Face: Marie Curie',
      'Face: Pierre Curie?',
      'Face: Who is this?',
    ]);
    expect([boxes[2].style.left, boxes[2].style.top, boxes[2].style.width, boxes[2].style.height]).toEqual([
      '150px',
      '20px',
      '40px',
      '45px',
    ]);
    expect(boxes.map((box) => box.getAttribute('aria-pressed'))).toEqual(['false', 'true', 'false']);
  });

  it('selects a face on click', async () => {
    const onselect = vi.fn();
    render(FaceBoxes, { faces: FACES, scale: 1, activeId: null, drawing: false, onselect, ondraw: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: 'Face: Who is this?' }));
    expect(onselect).toHaveBeenCalledWith(expect.objectContaining({ id: 3 }));
  });

  it('in drawing mode, turns a drag into a box in photo pixels and ignores a click-sized one', async () => {
    const ondraw = vi.fn();
    const { container } = render(FaceBoxes, {
      faces: FACES,
      scale: 0.25,
      activeId: null,
      drawing: true,
      onselect: vi.fn(),
      ondraw,
    });
    const overlay = container.querySelector('.overlay')!;
    expect(screen.getAllByRole('button').every((box) => (box as HTMLButtonElement).disabled)).toBe(true);

    await fireEvent.pointerDown(overlay, { clientX: 50, clientY: 30, pointerId: 1 });
    await fireEvent.pointerMove(overlay, { clientX: 52, clientY: 33, pointerId: 1 });
    await fireEvent.pointerUp(overlay, { pointerId: 1 });
    expect(ondraw).not.toHaveBeenCalled();

    // Dragged up-left: the box is normalised, then scaled back to photo pixels (÷ 0.25).
    await fireEvent.pointerDown(overlay, { clientX: 90, clientY: 70, pointerId: 1 });
    await fireEvent.pointerMove(overlay, { clientX: 40, clientY: 20, pointerId: 1 });
    await fireEvent.pointerUp(overlay, { pointerId: 1 });
    expect(ondraw).toHaveBeenCalledWith({ x: 160, y: 80, width: 200, height: 200 });
  });
});
