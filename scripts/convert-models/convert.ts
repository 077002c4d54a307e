import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildFaceLandmark68 } from './face-landmark-68';
import { buildFaceRecognition } from './face-recognition';
import type { ModelMeta } from './onnx-graph';
import { renderReadme } from './readme';
import { buildSsdInt8, SSD_CALIBRATION_FILE, SSD_INT8_FILE, type SsdCalibration } from './ssd-int8';
import { buildSsdMobilenetv1, SSD_IGNORED_WEIGHTS } from './ssd-mobilenetv1';
import { readTfjsWeights, WeightMap } from './tfjs-weights';

/** Bumped whenever the produced graphs change on purpose, so the README and metadata say which converter made them. */
export const CONVERTER_VERSION = '1';

export interface ModelSpec {
  /** Output file name in models/. */
  file: string;
  /** face-api model name: `<name>-weights_manifest.json` + shards. */
  source: string;
  build: (weights: WeightMap, meta: ModelMeta) => Uint8Array;
  ignoredWeights?: string[];
}

const SSD_FLOAT_FILE = 'ssd_mobilenetv1.onnx';

export const MODEL_SPECS: ModelSpec[] = [
  {
    file: SSD_FLOAT_FILE,
    source: 'ssd_mobilenetv1_model',
    build: buildSsdMobilenetv1,
    ignoredWeights: SSD_IGNORED_WEIGHTS,
  },
  { file: 'face_landmark_68.onnx', source: 'face_landmark_68_model', build: buildFaceLandmark68 },
  { file: 'face_recognition.onnx', source: 'face_recognition_model', build: buildFaceRecognition },
];

export interface ConvertedModel {
  file: string;
  path: string;
  sha256: string;
  bytes: number;
  sourceFiles: string[];
  status: 'written' | 'up to date';
}

export interface ConvertOptions {
  /** Where the .onnx files and README.md go; defaults to <repo>/models. */
  outDir?: string;
  /** The int8 detector's committed calibration; defaults to <repo>/models/ssd_mobilenetv1_int8.calibration.json. */
  calibrationPath?: string;
  /** false: only the float models (what `npm run calibrate:detector` needs before any calibration exists). */
  int8?: boolean;
  log?: (line: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
export const DEFAULT_MODELS_DIR = join(REPO_ROOT, 'models');

export function faceApiPackage(): { dir: string; modelDir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@vladmandic/face-api/package.json');
  const { version } = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
  const dir = dirname(pkgPath);
  return { dir, modelDir: join(dir, 'model'), version };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes `bytes` unless the file already holds exactly them; returns whether it wrote. */
function writeIfChanged(path: string, bytes: Uint8Array): boolean {
  if (existsSync(path) && sha256(readFileSync(path)) === sha256(bytes)) return false;
  writeFileSync(path, bytes);
  return true;
}

function manifestFiles(modelDir: string, source: string): string[] {
  const manifest = `${source}-weights_manifest.json`;
  const groups = JSON.parse(readFileSync(join(modelDir, manifest), 'utf8')) as { paths: string[] }[];
  return [manifest, ...groups.flatMap((group) => group.paths)];
}

/**
 * Converts all three face-api networks to ONNX in `outDir`, derives the int8 detector from the
 * float one, and refreshes the folder's README.md.
 */
export function convertModels(options: ConvertOptions = {}): ConvertedModel[] {
  const outDir = options.outDir ?? DEFAULT_MODELS_DIR;
  const log = options.log ?? (() => {});
  const faceApi = faceApiPackage();
  mkdirSync(outDir, { recursive: true });

  const results: ConvertedModel[] = [];
  const built = new Map<string, Uint8Array>();
  const record = (file: string, bytes: Uint8Array, sourceFiles: string[]) => {
    const path = join(outDir, file);
    const written = writeIfChanged(path, bytes);
    const result: ConvertedModel = {
      file,
      path,
      sha256: sha256(bytes),
      bytes: bytes.length,
      sourceFiles,
      status: written ? 'written' : 'up to date',
    };
    results.push(result);
    log(`${file}  sha256 ${result.sha256}  ${(result.bytes / 1e6).toFixed(1)} MB  ${result.status}`);
  };
  for (const spec of MODEL_SPECS) {
    const weights = new WeightMap(spec.source, readTfjsWeights(faceApi.modelDir, spec.source));
    const sourceFiles = manifestFiles(faceApi.modelDir, spec.source);
    const bytes = spec.build(weights, {
      producerVersion: CONVERTER_VERSION,
      docString: `${spec.source} from @vladmandic/face-api ${faceApi.version}, converted by scripts/convert-models`,
      metadata: {
        source_package: `@vladmandic/face-api@${faceApi.version}`,
        source_files: sourceFiles.join(','),
        license: 'MIT',
      },
    });
    const unused = weights.unusedFloatWeights().filter((n) => !(spec.ignoredWeights ?? []).includes(n));
    if (unused.length > 0)
      throw new Error(`${spec.source}: weights not used by the graph: ${unused.join(', ')}`);

    built.set(spec.file, bytes);
    record(spec.file, bytes, sourceFiles);
  }

  // The int8 detector: from the float one just built and the committed calibration.
  if (options.int8 ?? true) {
    const ssd = built.get(SSD_FLOAT_FILE)!;
    const calibrationPath = options.calibrationPath ?? join(DEFAULT_MODELS_DIR, SSD_CALIBRATION_FILE);
    const calibration = JSON.parse(readFileSync(calibrationPath, 'utf8')) as SsdCalibration;
    const sources = results.find((r) => r.file === SSD_FLOAT_FILE)!.sourceFiles;
    record(SSD_INT8_FILE, buildSsdInt8(ssd, sha256(ssd), calibration), sources);
  }

  const readme = renderReadme({
    faceApiVersion: faceApi.version,
    converterVersion: CONVERTER_VERSION,
    models: results,
  });
  const readmeWritten = writeIfChanged(join(outDir, 'README.md'), new TextEncoder().encode(readme));
  log(`README.md  ${readmeWritten ? 'written' : 'up to date'}`);
  return results;
}

/** The converted model paths, converting first if any is missing (used by tests and benchmarks). */
export function ensureModels(outDir: string = DEFAULT_MODELS_DIR): Record<string, string> {
  const files = [...MODEL_SPECS.map((spec) => spec.file), SSD_INT8_FILE];
  if (files.some((file) => !existsSync(join(outDir, file)))) convertModels({ outDir });
  return Object.fromEntries(files.map((file) => [file, join(outDir, file)]));
}
