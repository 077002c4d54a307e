/**
 * The converted ONNX models must reproduce face-api (tfjs, WASM backend) on real photos:
 * identical input arrays go to both, and every output may differ by at most 1e-4.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  convertModels,
  DEFAULT_MODELS_DIR,
  ensureModels,
  sha256,
} from '../../scripts/convert-models/convert';
import { FIXTURES } from '../support/fixtures';
import { LANDMARK_SIZE, loadReference, RECOGNITION_SIZE, SSD_SIZE, type Reference } from './reference';

const TOLERANCE = 1e-4;

const DETECTOR_PHOTOS = ['groups/bbt4.jpg', 'misc/curie_upright.jpg'];
/** Tight face crops: the grayscale identity set plus colour crops of other sizes and aspect ratios. */
const FACE_CROPS = [
  ...['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].map(
    (p) => `people/${p}/${p}1.png`,
  ),
  'misc/angry_cropped.jpg',
  'misc/surprised_cropped.jpg',
  'misc/face_rectangular.png',
];

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // onnxruntime-node flattens nested keys with '.', giving the real config keys
  // session.intra_op.allow_spinning / session.inter_op.allow_spinning.
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

/**
 * Decodes a fixture to size x size RGB. Non-square photos are padded at the bottom/right with
 * black, as face-api pads the detector input; face crops are simply stretched (parity only
 * needs identical arrays on both sides, not a faithful crop).
 */
async function rgbSquare(relPath: string, size: number, pad: boolean): Promise<Uint8Array> {
  const { data, info } = await sharp(join(FIXTURES, relPath))
    .removeAlpha()
    .toColourspace('srgb')
    .resize(
      size,
      size,
      pad ? { fit: 'contain', position: 'left top', background: { r: 0, g: 0, b: 0 } } : { fit: 'fill' },
    )
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== size || info.height !== size) {
    throw new Error(`${relPath}: decoded to ${info.width}x${info.height}x${info.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

async function batch(paths: string[], size: number): Promise<Float32Array> {
  const images = await Promise.all(paths.map((p) => rgbSquare(p, size, false)));
  const out = new Float32Array(images.length * size * size * 3);
  images.forEach((img, i) => out.set(img, i * size * size * 3));
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = d; // also propagates NaN
  }
  return max;
}

async function run(session: ort.InferenceSession, pixels: Float32Array, n: number, size: number) {
  const image = new ort.Tensor('float32', pixels, [n, size, size, 3]);
  return session.run({ image });
}

const measured: Record<string, number> = {};

describe('ONNX models match face-api on tfjs-wasm', () => {
  let reference: Reference;
  const sessions: Record<string, ort.InferenceSession> = {};

  beforeAll(async () => {
    const paths = ensureModels();
    for (const file of Object.keys(paths)) expect(existsSync(paths[file])).toBe(true);
    for (const [file, path] of Object.entries(paths)) {
      sessions[file] = await ort.InferenceSession.create(path, SESSION_OPTIONS);
    }
    reference = await loadReference();
  });

  it('uses the converted models from models/', () => {
    expect(existsSync(join(DEFAULT_MODELS_DIR, 'ssd_mobilenetv1.onnx'))).toBe(true);
    expect(sessions['ssd_mobilenetv1.onnx'].inputNames).toEqual(['image']);
    expect(sessions['ssd_mobilenetv1.onnx'].outputNames).toEqual(['boxes', 'scores']);
    expect(sessions['face_landmark_68.onnx'].outputNames).toEqual(['landmarks']);
    expect(sessions['face_recognition.onnx'].outputNames).toEqual(['descriptor']);
  });

  it.each(DETECTOR_PHOTOS)('SSD MobileNetV1: raw boxes and scores of all anchors on %s', async (photo) => {
    const pixels = Float32Array.from(await rgbSquare(photo, SSD_SIZE, true));
    const onnx = await run(sessions['ssd_mobilenetv1.onnx'], pixels, 1, SSD_SIZE);
    const ref = await reference.ssdRaw(pixels);

    expect(onnx.boxes.dims).toEqual([1, 5118, 4]);
    expect(onnx.scores.dims).toEqual([1, 5118]);
    const boxes = onnx.boxes.data as Float32Array;
    const scores = onnx.scores.data as Float32Array;

    // The photo must actually contain confident faces, or the comparison proves little.
    expect(Array.from(scores).filter((s) => s > 0.5).length).toBeGreaterThan(0);

    const boxDiff = maxAbsDiff(boxes, ref.boxes);
    const scoreDiff = maxAbsDiff(scores, ref.scores);
    measured[`ssd boxes ${photo}`] = boxDiff;
    measured[`ssd scores ${photo}`] = scoreDiff;
    expect(boxDiff).toBeLessThanOrEqual(TOLERANCE);
    expect(scoreDiff).toBeLessThanOrEqual(TOLERANCE);
  });

  it('68-point landmarks: raw net output on face crops (batched)', async () => {
    const pixels = await batch(FACE_CROPS, LANDMARK_SIZE);
    const onnx = await run(sessions['face_landmark_68.onnx'], pixels, FACE_CROPS.length, LANDMARK_SIZE);
    const ref = await reference.landmarksRaw(pixels, FACE_CROPS.length);

    expect(onnx.landmarks.dims).toEqual([FACE_CROPS.length, 136]);
    const landmarks = onnx.landmarks.data as Float32Array;
    // Sanity: a face crop's landmarks lie inside the crop.
    expect(Math.min(...landmarks)).toBeGreaterThan(-0.1);
    expect(Math.max(...landmarks)).toBeLessThan(1.1);

    const diff = maxAbsDiff(landmarks, ref);
    measured.landmarks = diff;
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
  });

  it('128-d descriptors on face crops, batched and single', async () => {
    const pixels = await batch(FACE_CROPS, RECOGNITION_SIZE);
    const n = FACE_CROPS.length;
    const onnx = await run(sessions['face_recognition.onnx'], pixels, n, RECOGNITION_SIZE);
    const ref = await reference.descriptors(pixels, n);

    expect(onnx.descriptor.dims).toEqual([n, 128]);
    const descriptors = onnx.descriptor.data as Float32Array;
    const diff = maxAbsDiff(descriptors, ref);
    measured.descriptor = diff;
    expect(diff).toBeLessThanOrEqual(TOLERANCE);

    // Batch size 1 must give the same numbers as the same face inside a batch.
    const per = RECOGNITION_SIZE * RECOGNITION_SIZE * 3;
    const single = await run(sessions['face_recognition.onnx'], pixels.slice(0, per), 1, RECOGNITION_SIZE);
    expect(
      maxAbsDiff(single.descriptor.data as Float32Array, descriptors.subarray(0, 128)),
    ).toBeLessThanOrEqual(TOLERANCE);

    // The descriptors carry identity: same person closer than different people (face-api's 0.6 rule).
    const dist = (i: number, j: number) =>
      Math.hypot(
        ...Array.from({ length: 128 }, (_, k) => descriptors[i * 128 + k] - descriptors[j * 128 + k]),
      );
    expect(dist(0, 1)).toBeGreaterThan(0.3);
  });

  it('face-api full pipeline (the benchmark baseline) runs on raw RGB pixels', async () => {
    const { data, info } = await sharp(join(FIXTURES, 'groups/bbt4.jpg'))
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const faces = await reference.detectAll({
      data: new Uint8Array(data),
      width: info.width,
      height: info.height,
    });
    expect(faces.length).toBe(6);
    for (const face of faces) {
      expect(face.landmarks).toHaveLength(68);
      expect(face.descriptor).toHaveLength(128);
      expect(face.box.x + face.box.width).toBeLessThanOrEqual(info.width + 1e-6);
    }
  });

  it('conversion is deterministic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindred-models-'));
    try {
      const again = convertModels({ outDir: dir });
      for (const model of again) {
        expect(sha256(readFileSync(join(DEFAULT_MODELS_DIR, model.file))), model.file).toBe(model.sha256);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the measured differences', () => {
    console.log('max |onnx - face-api|:', JSON.stringify(measured, null, 2));
    expect(Object.keys(measured).length).toBeGreaterThanOrEqual(6);
  });
});
