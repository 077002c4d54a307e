import type * as ort from 'onnxruntime-node';
import { placeOnCanvas, warpToTensor, type RgbImage } from './image';
import { runNhwc } from './models';
import { intersectionOverUnion, nonMaxSuppression, type ScoredBox } from './nms';

/** The SSD's fixed input size. */
export const DETECTOR_SIZE = 512;
/** face-api's default minimum confidence; measured on the group fixtures with no false faces at one pass. */
export const MIN_SCORE = 0.5;
const IOU_THRESHOLD = 0.5;
/** A detection seen by another pass at this score or more counts as corroborated. */
const CORROBORATION_SCORE = 0.3;
/** A detection seen by one pass only must be this sure. */
const SOLO_SCORE = 0.87;
/** The extra far-out passes exist for faces that fill the frame; smaller faces they report are not trusted. */
const FRAME_FILLING_SHARE = 0.4;

/** Where one detector pass looks: photo pixel p lands at p * scale + offset in the 512×512 input. */
export interface DetectorPass {
  name: string;
  scale: number;
  offsetX: number;
  offsetY: number;
  pixels: Float32Array;
}

/**
 * When to look again at the photo centred in a black canvas twice its size (ARCHITECTURE.md,
 * accuracy levers): on every photo, only when the plain pass leaves a doubt, or never.
 */
export type PaddedPassRule = 'always' | 'when-unsure' | 'never';

/**
 * The detector that runs the first passes (the plain pass and the 2× canvas) and the one that
 * runs the frame-filling passes (2.5× and 3× canvases): they may differ in precision
 * (pipeline.ts, DetectorChoice). The frame-filling one is asked for only when a photo needs it:
 * few photos do (none of bench:ingest's), and a float32 detector holds ~35 MB in each worker.
 */
export interface PassDetectors {
  firstPasses: ort.InferenceSession;
  frameFilling: () => Promise<ort.InferenceSession>;
}

export interface DetectionOptions {
  paddedPass: PaddedPassRule;
  minScore?: number;
}

/**
 * One pass: the photo (already fitted into 512 as `fitted`, at `fittedScale`) shrunk by
 * `canvasFactor` and centred in the black 512 canvas, i.e. the photo in the middle of a canvas
 * `canvasFactor` times its size. Factor 1 is the plain pass.
 */
export function buildPass(fitted: RgbImage, fittedScale: number, canvasFactor: number): DetectorPass {
  const pixels = new Float32Array(DETECTOR_SIZE * DETECTOR_SIZE * 3);
  if (canvasFactor === 1) {
    placeOnCanvas(fitted, DETECTOR_SIZE, 0, 0, pixels);
    return { name: 'plain', scale: fittedScale, offsetX: 0, offsetY: 0, pixels };
  }
  const width = Math.max(1, Math.round(fitted.width / canvasFactor));
  const height = Math.max(1, Math.round(fitted.height / canvasFactor));
  const scaleX = width / fitted.width;
  const scaleY = height / fitted.height;
  const shrunk = new Float32Array(width * height * 3);
  const map = { a: 1 / scaleX, b: 0, c: 0, d: 1 / scaleY, tx: 0.5 / scaleX - 0.5, ty: 0.5 / scaleY - 0.5 };
  warpToTensor(fitted, map, width, height, shrunk, 0);
  const offsetX = Math.floor((DETECTOR_SIZE - width) / 2);
  const offsetY = Math.floor((DETECTOR_SIZE - height) / 2);
  for (let y = 0; y < height; y++) {
    pixels.set(
      shrunk.subarray(y * width * 3, (y + 1) * width * 3),
      ((y + offsetY) * DETECTOR_SIZE + offsetX) * 3,
    );
  }
  // Rounding the shrunk size makes the two axes' ratios differ slightly; their mean maps boxes back closely enough.
  return {
    name: `canvas×${canvasFactor}`,
    scale: (fittedScale * (scaleX + scaleY)) / 2,
    offsetX,
    offsetY,
    pixels,
  };
}

/** Runs the SSD on one pass; the candidates come back in upright photo pixels, NMS applied. */
export async function detectInPass(
  session: ort.InferenceSession,
  pass: DetectorPass,
  photoWidth: number,
  photoHeight: number,
  minScore: number,
): Promise<ScoredBox[]> {
  const { boxes, scores } = await runNhwc(session, pass.pixels, 1, DETECTOR_SIZE, DETECTOR_SIZE);
  const candidates: ScoredBox[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] < minScore) continue;
    const [ymin, xmin, ymax, xmax] = [boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]];
    const x0 = clamp((xmin * DETECTOR_SIZE - pass.offsetX) / pass.scale, 0, photoWidth);
    const y0 = clamp((ymin * DETECTOR_SIZE - pass.offsetY) / pass.scale, 0, photoHeight);
    const x1 = clamp((xmax * DETECTOR_SIZE - pass.offsetX) / pass.scale, 0, photoWidth);
    const y1 = clamp((ymax * DETECTOR_SIZE - pass.offsetY) / pass.scale, 0, photoHeight);
    if (x1 - x0 < 1 || y1 - y0 < 1) continue;
    candidates.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: scores[i] });
  }
  return nonMaxSuppression(candidates, IOU_THRESHOLD, 100);
}

/**
 * Keeps a face when two passes agree on it, or when one pass alone is very sure.
 * Measured on the fixtures (docs/detection.md): every real face was either seen by both passes
 * (the weaker at ≥ 0.31) or by one at ≥ 0.90, while the two false faces on dogs.jpg (dogs'
 * faces) were each seen by one pass only, at 0.77 and 0.84.
 */
export function mergePasses(perPass: readonly ScoredBox[][], minScore = MIN_SCORE): ScoredBox[] {
  const all = perPass.flatMap((boxes, pass) => boxes.map((box) => ({ box, pass })));
  const kept: ScoredBox[] = [];
  for (const { box, pass } of all) {
    if (box.score < minScore) continue;
    const corroborated = all.some(
      (other) =>
        other.pass !== pass &&
        other.box.score >= CORROBORATION_SCORE &&
        intersectionOverUnion(box, other.box) > 0.3,
    );
    if (corroborated || box.score >= SOLO_SCORE || perPass.length === 1) kept.push(box);
  }
  return nonMaxSuppression(kept, IOU_THRESHOLD);
}

/**
 * Finds the faces of a photo given its 512-fitted decode: the plain pass and the pass on a
 * canvas twice the photo's size (ARCHITECTURE.md, "Accuracy levers"). Only when both find
 * nothing, two passes further out (2.5× and 3×) look for one face that fills the frame, as in
 * tight portrait crops, where even the 2× canvas leaves the face too large for the SSD's anchors.
 *
 * With 'when-unsure', the 2× canvas runs only when the plain pass leaves a doubt: it found no
 * face, or a candidate (≥ 0.3) that is not sure on its own (< 0.87) and needs the second pass to
 * confirm or drop it. When every candidate of the plain pass is sure, the second pass has never
 * changed the result on the fixtures and on 60 of bench:ingest's photos (122 photos, 52 of them
 * skipped it; docs/detection.md), and skipping it saves one SSD run, a third of a photo's time.
 */
export async function findFaces(
  detectors: PassDetectors,
  fitted: RgbImage,
  fittedScale: number,
  photoWidth: number,
  photoHeight: number,
  options: DetectionOptions,
): Promise<ScoredBox[]> {
  const minScore = options.minScore ?? MIN_SCORE;
  const detect = async (factor: number, floor: number) =>
    detectInPass(
      factor <= 2 ? detectors.firstPasses : await detectors.frameFilling(),
      buildPass(fitted, fittedScale, factor),
      photoWidth,
      photoHeight,
      floor,
    );
  if (options.paddedPass === 'never') return detect(1, minScore);
  const plain = await detect(1, CORROBORATION_SCORE);
  const sure = plain.length > 0 && plain.every((box) => box.score >= SOLO_SCORE);
  if (options.paddedPass === 'when-unsure' && sure) return mergePasses([plain], minScore);
  const faces = mergePasses([plain, await detect(2, CORROBORATION_SCORE)], minScore);
  if (faces.length > 0) return faces;
  const minSide = FRAME_FILLING_SHARE * Math.min(photoWidth, photoHeight);
  const frameFilling = (boxes: ScoredBox[]) =>
    boxes.filter((box) => Math.min(box.width, box.height) >= minSide);
  return mergePasses(
    [
      frameFilling(await detect(2.5, CORROBORATION_SCORE)),
      frameFilling(await detect(3, CORROBORATION_SCORE)),
    ],
    minScore,
  );
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
