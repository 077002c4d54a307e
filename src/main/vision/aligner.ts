import { boxInSquare, warpToTensor, type Affine, type RgbImage } from './image';
import type { ScoredBox } from './nms';

export const CHIP_SIZE = 150;
/** dlib's face chips have a quarter of the face's size as margin on every side. */
const CHIP_PADDING = 0.25;

/**
 * dlib's mean face (landmarks 17–67 in a unit square), the shape the recognition net's training
 * chips were aligned to (dlib's get_face_chip_details).
 */
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004,
  0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122,
  0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
  0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532,
  0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454,
  0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423,
  0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077,
  0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192,
  0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803,
  0.824182,
];
const FIRST_TEMPLATE_LANDMARK = 17;

/**
 * Nose, eyes and inner mouth (27–54, 60–64): the points that move with the head and not with
 * the expression or the jaw; measured in ARCHITECTURE.md ("Accuracy levers").
 */
const ALIGNMENT_LANDMARKS = [
  ...Array.from({ length: 28 }, (_, i) => 27 + i),
  ...Array.from({ length: 5 }, (_, i) => 60 + i),
];

const TEMPLATE = ALIGNMENT_LANDMARKS.map((landmark) => {
  const i = landmark - FIRST_TEMPLATE_LANDMARK;
  return {
    x: ((CHIP_PADDING + MEAN_FACE_X[i]) / (1 + 2 * CHIP_PADDING)) * CHIP_SIZE,
    y: ((CHIP_PADDING + MEAN_FACE_Y[i]) / (1 + 2 * CHIP_PADDING)) * CHIP_SIZE,
  };
});

/**
 * Least-squares similarity transform (scale, rotation, translation; Umeyama without reflection)
 * taking chip coordinates to image coordinates, fitted so the template lands on the landmarks.
 */
export function fitChipTransform(landmarks: Float32Array, imageScale: number): Affine {
  const n = TEMPLATE.length;
  let mtx = 0;
  let mty = 0;
  let mlx = 0;
  let mly = 0;
  const points = ALIGNMENT_LANDMARKS.map((landmark) => ({
    x: landmarks[landmark * 2] * imageScale,
    y: landmarks[landmark * 2 + 1] * imageScale,
  }));
  for (let i = 0; i < n; i++) {
    mtx += TEMPLATE[i].x / n;
    mty += TEMPLATE[i].y / n;
    mlx += points[i].x / n;
    mly += points[i].y / n;
  }
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const tx = TEMPLATE[i].x - mtx;
    const ty = TEMPLATE[i].y - mty;
    const lx = points[i].x - mlx;
    const ly = points[i].y - mly;
    dot += tx * lx + ty * ly;
    cross += tx * ly - ty * lx;
    norm += tx * tx + ty * ty;
  }
  const a = dot / norm;
  const b = cross / norm;
  return { a, b: -b, c: b, d: a, tx: mlx - (a * mtx - b * mty), ty: mly - (b * mtx + a * mty) };
}

/** The aligned 150×150 chip (dlib's recipe) as NHWC floats 0..255, written at `out[offset]`. */
export function alignedChip(
  image: RgbImage,
  imageScale: number,
  landmarks: Float32Array,
  out: Float32Array,
  offset: number,
): void {
  warpToTensor(image, fitChipTransform(landmarks, imageScale), CHIP_SIZE, CHIP_SIZE, out, offset);
}

/**
 * face-api's own input for the recognition net: the detection box, unrotated, centred in a black
 * square and scaled to 150×150. Kept to measure what alignment gains, and for like-for-like runs.
 */
export function boxChip(
  image: RgbImage,
  imageScale: number,
  box: ScoredBox,
  out: Float32Array,
  offset: number,
): void {
  boxInSquare(image, imageScale, box, CHIP_SIZE, out, offset);
}

/** Writes the mirror image of the chip at `from` into `to` (same buffer allowed, different offsets). */
export function mirrorChip(data: Float32Array, from: number, to: number): void {
  for (let y = 0; y < CHIP_SIZE; y++) {
    for (let x = 0; x < CHIP_SIZE; x++) {
      const s = from + (y * CHIP_SIZE + x) * 3;
      const d = to + (y * CHIP_SIZE + (CHIP_SIZE - 1 - x)) * 3;
      data[d] = data[s];
      data[d + 1] = data[s + 1];
      data[d + 2] = data[s + 2];
    }
  }
}
