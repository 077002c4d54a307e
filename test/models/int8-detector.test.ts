/**
 * The int8 detector (models/ssd_mobilenetv1_int8.onnx, the default's plain pass) must find the
 * faces the float32 one finds: on every fixture photo, through the pipeline's own pass rule, the same
 * number of faces, each overlapping its float32 twin closely. And ONNX Runtime must really run
 * it as int8 (QLinearConv): a QDQ graph that it failed to fuse would run as float32 plus the
 * cost of the quantize/dequantize nodes, slower than the float model.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeScaled, readPhotoHeader } from '../../src/main/vision/decode';
import { DETECTOR_SIZE, findFaces } from '../../src/main/vision/detector';
import {
  loadSessions,
  MODEL_FILES,
  resolveModelsDir,
  SESSION_OPTIONS,
  type Sessions,
} from '../../src/main/vision/models';
import { intersectionOverUnion, type ScoredBox } from '../../src/main/vision/nms';
import { FIXTURES, readManifest } from '../../scripts/eval/fixture-identities';

let sessions: Sessions;
beforeAll(async () => {
  sessions = await loadSessions(resolveModelsDir(), ['int8', 'fp32']);
});

describe('the int8 SSD detector', () => {
  it('has the float model’s inputs and outputs', async () => {
    const [int8, fp32] = await Promise.all([sessions.detector('int8'), sessions.detector('fp32')]);
    expect(int8.inputNames).toEqual(fp32.inputNames);
    expect(int8.outputNames).toEqual(fp32.outputNames);
  });

  it('runs as QLinearConv once ONNX Runtime has optimized it (all but the five float convolutions)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindred-int8-'));
    try {
      const optimized = join(dir, 'optimized.onnx');
      await ort.InferenceSession.create(join(resolveModelsDir(), MODEL_FILES.detectorInt8), {
        ...SESSION_OPTIONS,
        // The graph as ORT runs it, minus the CPU-layout rewrites (which only move float Convs).
        graphOptimizationLevel: 'extended',
        optimizedModelFilePath: optimized,
      });
      const ops = onnx.ModelProto.decode(readFileSync(optimized)).graph!.node!.map((node) => node.opType);
      const count = (op: string) => ops.filter((o) => o === op).length;
      expect(count('QLinearConv')).toBe(42);
      // What stays float: the stem and the first two depthwise/pointwise pairs.
      expect(count('Conv') + count('FusedConv')).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the same faces as the float32 detector on every fixture photo', async () => {
    const [int8, fp32] = await Promise.all([sessions.detector('int8'), sessions.detector('fp32')]);
    const files = readManifest().map((file) => file.path);
    let worstIou = 1;
    for (const file of files) {
      const bytes = readFileSync(join(FIXTURES, file));
      const header = await readPhotoHeader(bytes);
      const scale = DETECTOR_SIZE / Math.max(header.width, header.height);
      const fitted = await decodeScaled(bytes, header, scale);
      const detect = (session: ort.InferenceSession) =>
        findFaces(
          { firstPasses: session, frameFilling: () => Promise.resolve(session) },
          fitted,
          scale,
          header.width,
          header.height,
          {
            paddedPass: 'when-unsure',
          },
        );
      const [expected, actual] = [await detect(fp32), await detect(int8)];
      expect(actual.length, file).toBe(expected.length);
      for (const face of expected) {
        const twin = Math.max(...actual.map((other: ScoredBox) => intersectionOverUnion(face, other)));
        worstIou = Math.min(worstIou, twin);
        // Measured worst: 0.83, on a tight 150 px crop whose kept box came from the other pass.
        expect(twin, `${file}: a face without its int8 twin`).toBeGreaterThan(0.7);
      }
    }
    console.log(
      `int8 vs fp32 on ${files.length} fixtures: worst IoU of a face with its twin ${worstIou.toFixed(3)}`,
    );
  });
});
