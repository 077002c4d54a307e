import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export const MODEL_FILES = {
  detector: 'ssd_mobilenetv1.onnx',
  detectorInt8: 'ssd_mobilenetv1_int8.onnx',
  landmarks: 'face_landmark_68.onnx',
  recognition: 'face_recognition.onnx',
} as const;

export type ModelName = keyof typeof MODEL_FILES;

/**
 * Which SSD detector runs a pass: the float32 one that reproduces face-api, or the 8-bit one
 * (about 1.6 times as fast on one thread, the same faces on the fixtures; docs/detection.md).
 */
export type DetectorPrecision = 'int8' | 'fp32';

/**
 * The models/ folder: KINDRED_MODELS_DIR, else the first `models/` holding the detector found
 * walking up from this file (works from src/ under the test runner, from out/ after a build,
 * and from an app bundle that ships models/ beside out/).
 */
export function resolveModelsDir(start = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KINDRED_MODELS_DIR) return path.resolve(env.KINDRED_MODELS_DIR);
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'models');
    if (fs.existsSync(path.join(candidate, MODEL_FILES.detector))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(
    `Kindred's face models were not found (looked for models/${MODEL_FILES.detector} above ${start}). ` +
      'Run `npm run models` in the Kindred checkout to convert them.',
  );
}

/**
 * One intra-op thread per session and one worker per core: measured faster than letting ORT
 * spread one run over both cores. Spinning off: with it on, two busy workers slowed each other down.
 * No memory arena: each session's arena kept its largest run's activations for good (60–75 MB for
 * a detector), and with both detectors in every worker (the default pipeline) bench:ingest's peak
 * RSS went from ~820 MB to 964–1038 MB; without arenas a run costs the same here.
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  enableCpuMemArena: false,
  enableMemPattern: false,
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

export interface Sessions {
  /**
   * The SSD detector at `precision`, created on first use: a worker holds only the detectors
   * its tasks asked for (the float one is 22 MB of weights, the int8 one 6 MB).
   */
  detector(precision: DetectorPrecision): Promise<ort.InferenceSession>;
  landmarks: ort.InferenceSession;
  recognition: ort.InferenceSession;
}

const DETECTOR_FILES: Record<DetectorPrecision, ModelName> = { int8: 'detectorInt8', fp32: 'detector' };

/** Loads the landmark and recognition nets and the detectors named in `preload`; the other detector loads when asked for. */
export async function loadSessions(
  modelsDir: string,
  preload: readonly DetectorPrecision[] = ['fp32'],
): Promise<Sessions> {
  const load = (name: ModelName) =>
    ort.InferenceSession.create(path.join(modelsDir, MODEL_FILES[name]), SESSION_OPTIONS);
  const detectors = new Map<DetectorPrecision, Promise<ort.InferenceSession>>();
  const detector = (precision: DetectorPrecision) => {
    let session = detectors.get(precision);
    if (!session) {
      session = load(DETECTOR_FILES[precision]);
      detectors.set(precision, session);
    }
    return session;
  };
  const [landmarks, recognition] = await Promise.all([
    load('landmarks'),
    load('recognition'),
    ...preload.map(detector),
  ]);
  return { detector, landmarks, recognition };
}

/** Runs a single-input single-output model on an NHWC float batch. */
export async function runNhwc(
  session: ort.InferenceSession,
  data: Float32Array,
  batch: number,
  height: number,
  width: number,
): Promise<Record<string, Float32Array>> {
  const input = new ort.Tensor('float32', data, [batch, height, width, 3]);
  const outputs = await session.run({ [session.inputNames[0]]: input });
  const result: Record<string, Float32Array> = {};
  for (const [name, tensor] of Object.entries(outputs)) result[name] = tensor.data as Float32Array;
  return result;
}
