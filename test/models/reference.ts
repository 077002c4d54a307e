/**
 * The ORIGINAL implementation: @vladmandic/face-api running on @tensorflow/tfjs with the WASM
 * backend (no tfjs-node). Used by the ONNX parity test and by benchmarks as the baseline.
 *
 * face-api's `dist/face-api.node-wasm.js` is the build that `require`s the installed
 * @tensorflow/tfjs + tfjs-backend-wasm instead of bundling tfjs or needing tfjs-node; it is loaded
 * with `require` so that face-api and this helper share one tfjs instance (the CommonJS one).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.node-wasm.js');
type Tfjs = typeof import('@tensorflow/tfjs') & typeof import('@tensorflow/tfjs-backend-wasm');
type Tensor = import('@tensorflow/tfjs').Tensor;

const require = createRequire(import.meta.url);

export const SSD_SIZE = 512;
export const LANDMARK_SIZE = 112;
export const RECOGNITION_SIZE = 150;

/** An image as raw pixels: RGB, 8 bits per channel, row-major HWC. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ReferenceFace {
  score: number;
  /** Detection box in image pixels (after face-api's clipping). */
  box: { x: number; y: number; width: number; height: number };
  /** The 68 landmarks in image pixels. */
  landmarks: Array<[number, number]>;
  /** The box face-api crops for the descriptor (dlib-style alignment). */
  alignedBox: { x: number; y: number; width: number; height: number };
  descriptor: Float32Array;
}

export interface Reference {
  faceapi: FaceApi;
  tf: Tfjs;
  /**
   * SSD on one 512x512x3 image (RGB 0..255, HWC): face-api's decoded boxes
   * (ymin, xmin, ymax, xmax, unclipped) and face scores for all anchors, before NMS.
   */
  ssdRaw(pixels: Float32Array | Uint8Array): Promise<{ boxes: Float32Array; scores: Float32Array }>;
  /** SSD detection with NMS via face-api's own locateFaces, on any RGB image. */
  detectFaces(
    image: RgbImage,
    options?: { minConfidence?: number; maxResults?: number },
  ): Promise<Array<{ score: number; box: ReferenceFace['box'] }>>;
  /** Raw landmark-net output [n * 136] for n 112x112x3 images (relative to the 112x112 input). */
  landmarksRaw(pixels: Float32Array | Uint8Array, n: number): Promise<Float32Array>;
  /** Descriptors [n * 128] for n 150x150x3 images. */
  descriptors(pixels: Float32Array | Uint8Array, n: number): Promise<Float32Array>;
  /** face-api's detectAllFaces(...).withFaceLandmarks().withFaceDescriptors() on an RGB image. */
  detectAll(
    image: RgbImage,
    options?: { minConfidence?: number; maxResults?: number },
  ): Promise<ReferenceFace[]>;
}

let loading: Promise<Reference> | undefined;

/** Loads tfjs-wasm and the three face-api nets once per process. */
export function loadReference(): Promise<Reference> {
  loading ??= createReference();
  return loading;
}

export function faceApiModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

async function createReference(): Promise<Reference> {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = faceapi.tf as unknown as Tfjs;

  // In Node the WASM backend reads its .wasm files from disk, so a plain directory path works as the prefix.
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  tf.setWasmPaths(`${wasmDir}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();

  const modelDir = faceApiModelDir();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

  // face-api's typings bundle their own copy of the tfjs declarations, so tensors cross
  // between the two type worlds through this cast; at run time they are the same objects.
  type FaceApiInput = Parameters<FaceApi['toNetInput']>[0];
  const asInput = (t: Tensor | Tensor[]) => t as unknown as FaceApiInput;

  /** Splits a packed NHWC batch into n HWC tensors. */
  const imageTensors = (pixels: Float32Array | Uint8Array, n: number, size: number): Tensor[] => {
    const per = size * size * 3;
    if (pixels.length !== n * per) throw new Error(`expected ${n * per} values, got ${pixels.length}`);
    const floats = pixels instanceof Float32Array ? pixels : Float32Array.from(pixels);
    return Array.from({ length: n }, (_, i) =>
      tf.tensor3d(floats.subarray(i * per, (i + 1) * per), [size, size, 3], 'float32'),
    );
  };

  const readAndDispose = async (t: unknown): Promise<Float32Array> => {
    const tensor = t as Tensor;
    const data = (await tensor.data()) as Float32Array;
    tensor.dispose();
    return data;
  };

  const imageTensor = (image: RgbImage): Tensor => {
    if (image.data.length !== image.width * image.height * 3)
      throw new Error('RgbImage: data is not width * height * 3 bytes');
    return tf.tensor3d(Float32Array.from(image.data), [image.height, image.width, 3], 'float32');
  };

  const ssdOptions = (o?: { minConfidence?: number; maxResults?: number }) =>
    new faceapi.SsdMobilenetv1Options(o ?? {});
  const plainBox = (b: { x: number; y: number; width: number; height: number }) => ({
    x: b.x,
    y: b.y,
    width: b.width,
    height: b.height,
  });

  return {
    faceapi,
    tf,

    async ssdRaw(pixels) {
      const [input] = imageTensors(pixels, 1, SSD_SIZE);
      try {
        const out = await faceapi.nets.ssdMobilenetv1.forward(asInput(input));
        const boxes = await readAndDispose(out.boxes[0]);
        const scores = await readAndDispose(out.scores[0]);
        return { boxes, scores };
      } finally {
        input.dispose();
      }
    },

    async detectFaces(image, options) {
      const input = imageTensor(image);
      try {
        const detections = await faceapi.nets.ssdMobilenetv1.locateFaces(asInput(input), ssdOptions(options));
        return detections.map((d) => ({ score: d.score, box: plainBox(d.box) }));
      } finally {
        input.dispose();
      }
    },

    async landmarksRaw(pixels, n) {
      const inputs = imageTensors(pixels, n, LANDMARK_SIZE);
      try {
        // runNet is the network without face-api's un-padding post-processing.
        const netInput = await faceapi.toNetInput(asInput(inputs));
        return await readAndDispose(faceapi.nets.faceLandmark68Net.runNet(netInput));
      } finally {
        inputs.forEach((t) => t.dispose());
      }
    },

    async descriptors(pixels, n) {
      const inputs = imageTensors(pixels, n, RECOGNITION_SIZE);
      try {
        const netInput = await faceapi.toNetInput(asInput(inputs));
        return await readAndDispose(faceapi.nets.faceRecognitionNet.forwardInput(netInput));
      } finally {
        inputs.forEach((t) => t.dispose());
      }
    },

    async detectAll(image, options) {
      const input = imageTensor(image);
      try {
        const results = await faceapi
          .detectAllFaces(asInput(input), ssdOptions(options))
          .withFaceLandmarks()
          .withFaceDescriptors();
        return results.map((r) => ({
          score: r.detection.score,
          box: plainBox(r.detection.box),
          landmarks: r.landmarks.positions.map((p): [number, number] => [p.x, p.y]),
          alignedBox: plainBox(r.landmarks.align(null, { useDlibAlignment: true })),
          descriptor: r.descriptor,
        }));
      } finally {
        input.dispose();
      }
    },
  };
}
