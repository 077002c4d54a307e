import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlapArea, placeLabels, type Rect } from '../../../src/main/export/label-layout';

const inside = (frame: { width: number; height: number }, rect: Rect) =>
  rect.x >= 0 &&
  rect.y >= 0 &&
  rect.x + rect.width <= frame.width + 1e-9 &&
  rect.y + rect.height <= frame.height + 1e-9;

describe('placeLabels', () => {
  it('puts a label just above its face when there is room', () => {
    const [label] = placeLabels({ width: 800, height: 600 }, [
      { box: { x: 100, y: 200, width: 80, height: 100 }, width: 60, height: 20 },
    ]);
    expect(label).toEqual({ x: 100, y: 180, width: 60, height: 20 });
  });

  it('keeps the label of a face at the top edge inside the frame (below or inside the box)', () => {
    const [label] = placeLabels({ width: 800, height: 600 }, [
      { box: { x: 760, y: 0, width: 40, height: 50 }, width: 90, height: 20 },
    ]);
    expect(inside({ width: 800, height: 600 }, label)).toBe(true);
    expect(label.x).toBe(710);
  });

  it('does not let the labels of two faces side by side cover each other', () => {
    const frame = { width: 600, height: 400 };
    const labels = placeLabels(frame, [
      { box: { x: 100, y: 100, width: 50, height: 60 }, width: 120, height: 22 },
      { box: { x: 155, y: 105, width: 50, height: 60 }, width: 120, height: 22 },
      { box: { x: 210, y: 98, width: 50, height: 60 }, width: 120, height: 22 },
    ]);
    for (const [i, a] of labels.entries()) {
      expect(inside(frame, a)).toBe(true);
      for (const b of labels.slice(i + 1)) expect(overlapArea(a, b)).toBe(0);
    }
  });

  it('never overlaps labels and keeps them in the frame, for any arrangement of up to 12 faces', () => {
    const face = fc
      .record({
        x: fc.integer({ min: 0, max: 960 }),
        y: fc.integer({ min: 0, max: 700 }),
        size: fc.integer({ min: 20, max: 200 }),
        label: fc.integer({ min: 20, max: 200 }),
      })
      .map(({ x, y, size, label }) => ({
        box: { x, y, width: Math.min(size, 1024 - x), height: Math.min(size, 768 - y) },
        width: label,
        height: 24,
      }));
    fc.assert(
      fc.property(fc.array(face, { maxLength: 12 }), (requests) => {
        const frame = { width: 1024, height: 768 };
        const labels = placeLabels(frame, requests, 2);
        expect(labels).toHaveLength(requests.length);
        for (const [i, a] of labels.entries()) {
          expect(inside(frame, a)).toBe(true);
          expect(a.width).toBe(requests[i].width);
          for (const b of labels.slice(i + 1)) expect(overlapArea(a, b)).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
