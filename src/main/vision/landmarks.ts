import type * as ort from 'onnxruntime-node';
import { boxInSquare, type RgbImage } from './image';
import { runNhwc } from './models';
import type { ScoredBox } from './nms';

export const LANDMARK_SIZE = 112;
export const LANDMARK_COUNT = 68;

/**
 * Finds the 68 landmarks of each face. `image` is the photo at `imageScale` (image pixel =
 * photo pixel × imageScale); the landmarks come back in upright photo pixels, 136 numbers a face.
 */
export async function findLandmarks(
  session: ort.InferenceSession,
  image: RgbImage,
  imageScale: number,
  boxes: readonly ScoredBox[],
): Promise<Float32Array[]> {
  if (boxes.length === 0) return [];
  const stride = LANDMARK_SIZE * LANDMARK_SIZE * 3;
  const batch = new Float32Array(stride * boxes.length);
  // The landmark net's input, as face-api builds it: each box in a black square, 112×112.
  const squares = boxes.map((box, i) =>
    boxInSquare(image, imageScale, box, LANDMARK_SIZE, batch, i * stride),
  );
  const { landmarks } = await runNhwc(session, batch, boxes.length, LANDMARK_SIZE, LANDMARK_SIZE);
  return squares.map((square, i) => {
    const points = new Float32Array(LANDMARK_COUNT * 2);
    for (let p = 0; p < LANDMARK_COUNT * 2; p++) {
      const origin = p % 2 === 0 ? square.originX : square.originY;
      points[p] = (origin + landmarks[i * LANDMARK_COUNT * 2 + p] * square.side) / imageScale;
    }
    return points;
  });
}
