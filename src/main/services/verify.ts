import path from 'node:path';
import type { Verification } from '../../common/api';
import { VERIFY_THRESHOLD } from '../people/thresholds';
import { euclideanDistance } from '../vision/embedder';
import { DEFAULT_PIPELINE } from '../vision/pipeline';
import type { AnalysisPool } from '../vision/pool';
import { UserInputError } from './errors';

/** The embedding of the largest face in an image file; a clear error when there is none. */
async function largestFace(pool: AnalysisPool, image: string): Promise<Float32Array> {
  const file = path.resolve(image);
  const result = await pool.analyse({ path: file, options: DEFAULT_PIPELINE });
  if (!result.ok) throw new UserInputError(`Cannot read ${file}: ${result.error}`);
  const largest = [...result.faces].sort(
    (a, b) => b.box.width * b.box.height - a.box.width * a.box.height,
  )[0];
  if (!largest)
    throw new UserInputError(`No face found in ${file}. Use a photo where a face is clearly visible.`);
  return largest.embedding;
}

/** Verification: are the largest faces of two images the same person? No library involved. */
export async function verifyImages(
  pool: AnalysisPool,
  imageA: string,
  imageB: string,
): Promise<Verification> {
  const [a, b] = await Promise.all([largestFace(pool, imageA), largestFace(pool, imageB)]);
  const distance = euclideanDistance(a, b);
  return { distance, threshold: VERIFY_THRESHOLD, same: distance < VERIFY_THRESHOLD };
}
