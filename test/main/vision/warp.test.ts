/**
 * warpToTensor samples a map without rotation (the landmark net's box squares, the detector's
 * canvases) separably, rows then columns (image.ts, warpAxisAligned). These tests hold it to the
 * point-by-point sampling that rotated maps get, on maps that shrink and enlarge, reach past the
 * image's edges, read through a window, and read a region of a larger image.
 */
import { describe, expect, it } from 'vitest';
import { warpToTensor, type Affine, type RgbImage, type SourceWindow } from '../../../src/main/vision/image';

/** A deterministic image of noise, so that every pixel's weight shows in the result. */
function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return { data, width, height };
}

/** Both samplings of one map: the separable one, and the point-by-point one the smallest shear forces. */
function bothWays(image: RgbImage, map: Affine, size: number, window?: SourceWindow) {
  const separable = new Float32Array(size * size * 3);
  const pointwise = new Float32Array(size * size * 3);
  warpToTensor(image, map, size, size, separable, 0, window);
  // A shear of the smallest double moves no sample, but takes the general path.
  warpToTensor(image, { ...map, b: Number.MIN_VALUE }, size, size, pointwise, 0, window);
  return { separable, pointwise };
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  return largest;
}

const square = (step: number, originX: number, originY: number): Affine => ({
  a: step,
  b: 0,
  c: 0,
  d: step,
  tx: originX + step / 2 - 0.5,
  ty: originY + step / 2 - 0.5,
});

describe('a warp without rotation', () => {
  it.each([
    ['shrinks 4.3 times (5×5 samples a pixel)', 4.3, 20, 30],
    ['shrinks 1.5 times (2×2 samples)', 1.5, 3.2, 7.9],
    ['keeps the size (1 sample)', 1, 10.25, 4.5],
    ['enlarges 2.5 times', 0.4, 50.5, 60.1],
    ['reaches past every edge of the image (black there)', 3, -40, -25],
  ])('%s: the same values as point by point', (_name, step, originX, originY) => {
    const image = noise(160, 120, 7);
    const { separable, pointwise } = bothWays(image, square(step, originX, originY), 64);
    expect(largestDifference(separable, pointwise)).toBeLessThan(1e-3);
    // Not trivially so: the output holds the image, not black.
    expect(separable.some((value) => value > 0)).toBe(true);
  });

  it('reads black outside a window, as the landmark net sees a face box', () => {
    const image = noise(200, 200, 11);
    const window = { left: 40.5, top: 30.5, right: 150.2, bottom: 170.7 };
    const { separable, pointwise } = bothWays(image, square(2.2, 30, 20), 80, window);
    expect(largestDifference(separable, pointwise)).toBeLessThan(1e-3);
    // The first column lies left of the window: black.
    expect(separable[0]).toBe(0);
  });

  it('reads a region of a larger image at its place in the whole', () => {
    const region = { ...noise(90, 70, 3), originX: 400.5, originY: 300 };
    const { separable, pointwise } = bothWays(region, square(1.7, 380, 290), 60);
    expect(largestDifference(separable, pointwise)).toBeLessThan(1e-3);
  });

  it('maps its two axes apart (a canvas of another aspect ratio)', () => {
    const image = noise(300, 100, 5);
    const map = { a: 2, b: 0, c: 0, d: 0.75, tx: 0.5, ty: -0.1 };
    const { separable, pointwise } = bothWays(image, map, 50);
    expect(largestDifference(separable, pointwise)).toBeLessThan(1e-3);
  });
});
