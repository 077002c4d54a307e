import type * as ort from 'onnxruntime-node';
import { warpToTensor, type RgbImage } from './image';
import { runNhwc } from './models';
import type { ScoredBox } from './nms';

export const LANDMARK_SIZE = 112;
export const LANDMARK_COUNT = 68;

/**
 * The landmark net's input for one face, as face-api builds it: the box, centred in a black
 * square as wide as its longer side, scaled to 112×112. Returns where that square sits in `image`.
 */
function squareAroundBox(box: ScoredBox, imageScale: number) {
  const side = Math.max(box.width, box.height) * imageScale;
  const originX = (box.x + box.width / 2) * imageScale - side / 2;
  const originY = (box.y + box.height / 2) * imageScale - side / 2;
  return { side, originX, originY };
}

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
  const squares = boxes.map((box, i) => {
    const square = squareAroundBox(box, imageScale);
    const step = square.side / LANDMARK_SIZE;
    warpToTensor(
      image,
      {
        a: step,
        b: 0,
        c: 0,
        d: step,
        tx: square.originX + step / 2 - 0.5,
        ty: square.originY + step / 2 - 0.5,
      },
      LANDMARK_SIZE,
      LANDMARK_SIZE,
      batch,
      i * stride,
      // Outside the box is padding, black, as the net was trained.
      {
        left: box.x * imageScale - 0.5,
        top: box.y * imageScale - 0.5,
        right: (box.x + box.width) * imageScale - 0.5,
        bottom: (box.y + box.height) * imageScale - 0.5,
      },
    );
    return square;
  });
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
