/** Small helpers shared by the face-engine tests (real models, real fixture photos). */
import fs from 'node:fs';
import { expect } from 'vitest';
import { loadSessions, resolveModelsDir, type Sessions } from '../../../src/main/vision/models';
import type { AnalysedFace } from '../../../src/main/vision/pipeline';
import { fixture } from '../../support/fixtures';

export type Box = AnalysedFace['box'];

/** The ONNX sessions, loaded once per test file (loading costs ~0.3 s, inference is the slow part). */
export function loadTestSessions(): Promise<Sessions> {
  return loadSessions(resolveModelsDir());
}

export function readFixture(relative: string): Buffer {
  return fs.readFileSync(fixture(relative));
}

export function centreX(box: Box): number {
  return box.x + box.width / 2;
}

export function centreY(box: Box): number {
  return box.y + box.height / 2;
}

/** Faces ordered left to right by the centre of their box, as the manifest names people. */
export function leftToRight<T extends { box: Box }>(faces: readonly T[]): T[] {
  return [...faces].sort((a, b) => centreX(a.box) - centreX(b.box));
}

/** The largest distance between corresponding edges (left, top, right, bottom) of two boxes, in pixels. */
export function edgeDistance(a: Box, b: Box): number {
  return Math.max(
    Math.abs(a.x - b.x),
    Math.abs(a.y - b.y),
    Math.abs(a.x + a.width - (b.x + b.width)),
    Math.abs(a.y + a.height - (b.y + b.height)),
  );
}

/**
 * Two sets of faces found on the same photo (after a re-encode, a rotation through EXIF…) agree:
 * same count, and each face, in left-to-right order, has every edge within `tolerance` pixels.
 */
export function expectSameBoxes(
  actual: readonly { box: Box }[],
  expected: readonly { box: Box }[],
  tolerance: number,
) {
  expect(actual).toHaveLength(expected.length);
  const a = leftToRight(actual);
  const e = leftToRight(expected);
  a.forEach((face, i) => {
    const distance = edgeDistance(face.box, e[i].box);
    expect(
      distance,
      `face ${i}: ${JSON.stringify(face.box)} vs ${JSON.stringify(e[i].box)}`,
    ).toBeLessThanOrEqual(tolerance);
  });
}
