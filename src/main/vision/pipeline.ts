import { alignedChip, boxChip } from './aligner';
import {
  decodeJpegShrunk,
  decodeRegion,
  decodeScaled,
  LIBJPEG_SHRINKS,
  type LibjpegShrink,
  type PhotoOnDisk,
  PhotoReadError,
  readPhotoHeader,
  resizeScaled,
  scaledLength,
  type PhotoHeader,
  type PixelRect,
} from './decode';
import { DETECTOR_SIZE, findFaces, type PaddedPassRule, type PassDetectors } from './detector';
import { allocateChips, chipOffset, embedChips } from './embedder';
import type { RgbImage } from './image';
import { findLandmarks } from './landmarks';
import type { DetectorPrecision, Sessions } from './models';
import { nonMaxSuppression, type ScoredBox } from './nms';
import type { DecodedView } from './previews';
import { findSmallFaces, TILE_SCALE, worthTiling } from './tiles';

export interface PipelineOptions {
  /** Second detector pass on the photo centred in a canvas twice its size. Default: when unsure. */
  paddedPass: PaddedPassRule;
  /** Average each descriptor with its mirror image's. Default on. */
  mirror: boolean;
  /** 'dlib': landmarks → similarity transform to dlib's template; 'box': face-api's unrotated box crop. */
  alignment: 'dlib' | 'box';
  /**
   * Also search large photos tile by tile for faces down to ~40 px (crowds, distant people).
   * Off by default: a 12-MP photo takes ~20 more detector runs (see docs/detection.md).
   */
  smallFaces?: boolean;
  /**
   * The SSD detector's precision, for every pass or for the first passes and the frame-filling
   * ones apart. 'fp32' is the model that reproduces face-api; 'int8' runs a pass about 1.6 times
   * as fast and finds the same faces on the fixtures, but moves boxes by a few pixels. The default
   * runs the first passes (the plain pass on every photo, the 2× canvas on unsure ones) in int8
   * and the frame-filling passes (2.5× and 3×, when the first ones find nothing) in fp32: the faces
   * that fill a tight crop, whose descriptors int8 moved most (stuart5 left its group, because the
   * two frame-filling passes nearly tie on it), keep their float32 box (docs/detection.md).
   */
  detectorPrecision?: DetectorChoice;
}

/**
 * One precision for every detector pass, or one for the first passes (plain and 2× canvas) and
 * one for the frame-filling passes (2.5× and 3× canvases).
 */
export type DetectorChoice =
  DetectorPrecision | { firstPasses: DetectorPrecision; frameFilling: DetectorPrecision };

/**
 * The detector sessions a choice names, each loaded on first use: the first passes' now, the
 * frame-filling passes' when a photo first needs them.
 */
export async function passDetectors(
  sessions: Sessions,
  choice: DetectorChoice = 'fp32',
): Promise<PassDetectors> {
  const { firstPasses, frameFilling } =
    typeof choice === 'string' ? { firstPasses: choice, frameFilling: choice } : choice;
  return {
    firstPasses: await sessions.detector(firstPasses),
    frameFilling: () => sessions.detector(frameFilling),
  };
}

export const DEFAULT_PIPELINE: PipelineOptions = {
  paddedPass: 'when-unsure',
  detectorPrecision: { firstPasses: 'int8', frameFilling: 'fp32' },
  mirror: true,
  alignment: 'dlib',
};

/** Milliseconds spent in each stage of one photo. */
export interface StageTimings {
  decode: number;
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
}

export interface AnalysedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: Float32Array;
  embedding: Float32Array;
}

export interface PhotoAnalysis {
  header: PhotoHeader;
  faces: AnalysedFace[];
  timings: StageTimings;
  /** The upright decodes made on the way (detector input, crop source): previews are cut from them. */
  views: DecodedView[];
}

/**
 * The recognition chip wants the smallest face to span at least this many real pixels; a
 * larger decode only costs time (and is averaged away when the chip is sampled).
 */
const CHIP_SOURCE_FACE_PX = 160;

/**
 * The scale to decode at for landmarks and chips: full detail for small faces, less for big ones.
 * Exact rather than snapped to libjpeg's 1/2, 1/4 or 1/8: a region's decode costs about the same
 * either way (sharp decodes it in full and resizes it in the same pipeline), while a larger source
 * makes the crops' supersampling slower. Measured on 20 of bench:ingest's 12-MP photos
 * (ms a photo, snapped → exact): decode 226 → 225, landmarks 81 → 48, align 69 → 38.
 */
export function chipSourceScale(faces: readonly ScoredBox[]): number {
  const smallest = Math.min(...faces.map((face) => Math.min(face.width, face.height)));
  return Math.min(1, CHIP_SOURCE_FACE_PX / smallest);
}

/**
 * The working decode keeps the photo's long side at least this long, so that it serves the crops
 * of faces down to 8% of it or less (120 px in the working image, WORKING_DETAIL_MARGIN): in a 12-MP
 * photo (at 1/2, 2000 px) faces from ~240 px. Photos with smaller faces need a second decode, of
 * the faces' region; in bench:ingest's set ~45% of the photos did with the working image at 1/3
 * (the seventh to ninth sessions), at ~56 ms each.
 */
const WORKING_MIN_SIDE = 1500;

/**
 * How much the one decode every photo gets shrinks it: the largest of libjpeg's factors (8, 4, 2)
 * that keeps the long side at least WORKING_MIN_SIDE px (2 for 6 to 20 MP, 4 for 24 to 48 MP), or
 * 1, the whole photo, below 3,000 px.
 */
export function workingDecodeShrink(width: number, height: number): LibjpegShrink | 1 {
  const long = Math.max(width, height);
  return LIBJPEG_SHRINKS.find((factor) => scaledLength(long, 1 / factor) >= WORKING_MIN_SIDE) ?? 1;
}

/**
 * Decodes the photo once (the working image) and derives the detector's 512 image from it. The
 * working image also serves the crops when its faces are large enough, and the previews: every
 * decode of a JPEG pays for its entropy decoding whatever its scale (about 35 ms for a 12-MP camera
 * file), and a photo whose faces it serves is decoded once instead of twice.
 *
 * A JPEG whose file is given is decoded from disk through libjpeg's scaling (decodeJpegShrunk);
 * without the file, or when that fails, the bytes are decoded in full and resized to the same scale
 * (about twice the time at 1/2).
 */
export async function decodeForDetection(
  file: Buffer,
  header: PhotoHeader,
  onDisk?: PhotoOnDisk,
): Promise<{ working: DecodedView; fitted: DecodedView }> {
  const shrink = workingDecodeShrink(header.width, header.height);
  const shrunk = onDisk && shrink !== 1 ? await decodeJpegShrunk(onDisk, header, shrink) : null;
  const image = shrunk ?? (await decodeScaled(file, header, 1 / shrink));
  const fittedScale = DETECTOR_SIZE / Math.max(header.width, header.height);
  const fitted = await resizeScaled(image, header, fittedScale);
  return { working: viewOf(image, header), fitted: { image: fitted, scale: fittedScale } };
}

/** A decode of the photo with its scale to the photo, measured on the width it came out at. */
const viewOf = (image: RgbImage, header: PhotoHeader): DecodedView => ({
  image,
  scale: image.width / header.width,
});

/**
 * A face may span this much less than CHIP_SOURCE_FACE_PX in the working image before the photo
 * is decoded again in more detail: ~120 px still gives the chip (whose face spans ~100 px) every
 * pixel it samples. In a 12-MP photo (working image at 1/2), faces from ~240 px wide.
 */
const WORKING_DETAIL_MARGIN = 4 / 3;

/**
 * Room around each face in the region decoded for small faces, in face sizes on every side: the
 * landmark net reads the face's square, the chip a square half as large again turned with the head
 * (up to ~0.6 of a face beyond the box at 45°), and the face crop of the media cache 0.35 beyond it.
 */
const REGION_MARGIN = 1;

/** The part of the photo that holds every face with its margin, in upright photo pixels. */
export function facesRegion(boxes: readonly ScoredBox[]): PixelRect {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const box of boxes) {
    const margin = Math.max(box.width, box.height) * REGION_MARGIN;
    left = Math.min(left, box.x - margin);
    top = Math.min(top, box.y - margin);
    right = Math.max(right, box.x + box.width + margin);
    bottom = Math.max(bottom, box.y + box.height + margin);
  }
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * The image landmarks and chips are cut from: at least as detailed as the faces need, never the
 * 512 image when that is smaller than the photo and the faces are small. Usually the working
 * image, shrunk first when its faces are larger than the nets need (the samplers then average
 * fewer pixels); for faces too small for it, a second decode of only the part of the photo that
 * holds them (decodeRegion).
 */
async function cropSource(
  file: Buffer,
  header: PhotoHeader,
  boxes: readonly ScoredBox[],
  { working, fitted }: { working: DecodedView; fitted: DecodedView },
): Promise<DecodedView> {
  const wanted = chipSourceScale(boxes);
  if (wanted <= fitted.scale && fitted.scale <= 1) return fitted;
  if (wanted > working.scale * WORKING_DETAIL_MARGIN)
    return { image: await decodeRegion(file, header, wanted, facesRegion(boxes)), scale: wanted };
  if (wanted >= working.scale) return working;
  return viewOf(await resizeScaled(working.image, header, wanted), header);
}

/**
 * Finds, aligns and embeds every face of the photo in `file`. `onDisk` is where those bytes were
 * read from: given, a JPEG's working image is decoded from disk at a libjpeg scale (decodeForDetection).
 */
export async function analysePhoto(
  file: Buffer,
  sessions: Sessions,
  options: PipelineOptions = DEFAULT_PIPELINE,
  onDisk?: PhotoOnDisk,
): Promise<PhotoAnalysis> {
  // Before the stage clock starts: a worker creates its first passes' detector on its first photo,
  // which is start-up, not detection (the frame-filling one, on the first photo that needs it, is
  // counted in that photo's detection).
  const detectors = await passDetectors(sessions, options.detectorPrecision);
  const timings: StageTimings = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
  let started = performance.now();
  const lap = (stage: keyof StageTimings) => {
    const now = performance.now();
    timings[stage] += now - started;
    started = now;
  };

  const header = await readPhotoHeader(file);
  const { working, fitted } = await decodeForDetection(file, header, onDisk);
  lap('decode');

  let boxes = await findFaces(detectors, fitted.image, fitted.scale, header.width, header.height, {
    paddedPass: options.paddedPass,
  });
  lap('detect');
  if (options.smallFaces && worthTiling(header.width, header.height)) {
    const tiled = await decodeScaled(file, header, TILE_SCALE);
    lap('decode');
    const small = await findSmallFaces(
      detectors.firstPasses,
      tiled,
      tiled.width / header.width,
      header.width,
      header.height,
    );
    boxes = nonMaxSuppression([...boxes, ...small], 0.5);
    lap('detect');
  }
  const views: DecodedView[] = [fitted, working];
  if (boxes.length === 0) return { header, faces: [], timings, views };

  const crops = await cropSource(file, header, boxes, { working, fitted });
  const { image: source, scale: sourceScale } = crops;
  if (crops !== working && crops !== fitted) views.push(crops);
  lap('decode');

  const landmarks = await findLandmarks(sessions.landmarks, source, sourceScale, boxes);
  lap('landmarks');

  const chips = allocateChips(boxes.length, options.mirror);
  boxes.forEach((box, i) => {
    if (options.alignment === 'dlib') alignedChip(source, sourceScale, landmarks[i], chips, chipOffset(i));
    else boxChip(source, sourceScale, box, chips, chipOffset(i));
  });
  lap('align');

  const embeddings = await embedChips(sessions.recognition, chips, boxes.length, options.mirror);
  lap('embed');

  const faces = boxes.map((box, i) => ({
    box: { x: box.x, y: box.y, width: box.width, height: box.height },
    score: box.score,
    landmarks: landmarks[i],
    embedding: embeddings[i],
  }));
  return { header, faces, timings, views };
}

/**
 * Landmarks, chip and embedding for one face at a box the user drew, in upright photo pixels.
 * The box must lie inside the photo.
 */
export async function embedFaceAt(
  file: Buffer,
  sessions: Sessions,
  box: { x: number; y: number; width: number; height: number },
): Promise<{ header: PhotoHeader; face: AnalysedFace }> {
  const header = await readPhotoHeader(file);
  if (
    box.width < 8 ||
    box.height < 8 ||
    box.x < 0 ||
    box.y < 0 ||
    box.x + box.width > header.width ||
    box.y + box.height > header.height
  ) {
    throw new PhotoReadError(
      `the box ${box.x},${box.y},${box.width},${box.height} does not fit inside the ${header.width}×${header.height} photo ` +
        '(give X,Y,W,H in upright pixels, at least 8×8)',
    );
  }
  const scored = { ...box, score: 1 };
  const sourceScale = chipSourceScale([scored]);
  const source = await decodeRegion(file, header, sourceScale, facesRegion([scored]));
  const [landmarks] = await findLandmarks(sessions.landmarks, source, sourceScale, [scored]);
  const chips = allocateChips(1, true);
  alignedChip(source, sourceScale, landmarks, chips, chipOffset(0));
  const [embedding] = await embedChips(sessions.recognition, chips, 1, true);
  return { header, face: { box, score: 1, landmarks, embedding } };
}
