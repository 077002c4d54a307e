/**
 * `npm run calibrate:detector`: measures the activation ranges the int8 detector is built from
 * (scripts/convert-models/ssd-int8.ts) by running the float detector on real photos, the
 * fixtures of ../shared/fixtures/faces, each in the passes the pipeline runs (the plain 512 pass
 * and the 2× canvas). Writes models/ssd_mobilenetv1_int8.calibration.json, which is committed:
 * a user's machine has no photos to calibrate on, and `npm run models` builds the int8 model
 * from the float one plus this file. Run it again whenever ssd_mobilenetv1.onnx changes (the
 * build refuses a calibration made for other float bytes). The file's numbers depend on this
 * ONNX Runtime's float arithmetic; they are rounded to 6 significant digits so that a rerun on
 * another CPU rarely changes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { convertModels, DEFAULT_MODELS_DIR, sha256 } from './convert-models/convert';
import { calibrationGraph, SSD_CALIBRATION_FILE, type SsdCalibration } from './convert-models/ssd-int8';
import { FIXTURES, readManifest } from './eval/fixture-identities';
import { decodeScaled, readPhotoHeader } from '../src/main/vision/decode';
import { buildPass, DETECTOR_SIZE } from '../src/main/vision/detector';
import { SESSION_OPTIONS } from '../src/main/vision/models';

/** The canvas factors of the passes every photo may get (docs/detection.md). */
const PASSES = [1, 2];

const round = (value: number) => Number(value.toPrecision(6));

async function main(): Promise<void> {
  const floatPath = path.join(DEFAULT_MODELS_DIR, 'ssd_mobilenetv1.onnx');
  // The float models only: the int8 one is what this calibration is for.
  if (!fs.existsSync(floatPath)) convertModels({ int8: false });
  const floatBytes = fs.readFileSync(floatPath);
  const { model, perChannel, perTensor } = calibrationGraph(floatBytes);
  // Expose every observed tensor as an extra graph output of the folded float model.
  for (const name of [...perChannel, ...perTensor])
    model.graph!.output!.push({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), SESSION_OPTIONS);

  const channelMax: Record<string, number[]> = {};
  const ranges: Record<string, { min: number; max: number }> = {};
  const files = readManifest().map((file) => file.path);
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(FIXTURES, file));
    const header = await readPhotoHeader(bytes);
    const scale = DETECTOR_SIZE / Math.max(header.width, header.height);
    const fitted = await decodeScaled(bytes, header, scale);
    for (const factor of PASSES) {
      const input = new ort.Tensor('float32', buildPass(fitted, scale, factor).pixels, [
        1,
        DETECTOR_SIZE,
        DETECTOR_SIZE,
        3,
      ]);
      const outputs = await session.run({ image: input });
      for (const name of perChannel) {
        const [, channels, height, width] = outputs[name].dims;
        const data = outputs[name].data as Float32Array;
        const maxima = (channelMax[name] ??= new Array<number>(channels).fill(0));
        const area = height * width;
        for (let c = 0; c < channels; c++) {
          for (let i = c * area; i < (c + 1) * area; i++) if (data[i] > maxima[c]) maxima[c] = data[i];
        }
      }
      for (const name of perTensor) {
        const data = outputs[name].data as Float32Array;
        const range = (ranges[name] ??= { min: Infinity, max: -Infinity });
        for (const value of data) {
          if (value < range.min) range.min = value;
          if (value > range.max) range.max = value;
        }
      }
    }
  }
  const calibration: SsdCalibration = {
    floatModelSha256: sha256(floatBytes),
    photos: `${files.length} fixture photos of shared/fixtures/faces, passes at canvas ${PASSES.join(' and ')}×`,
    channelMax: Object.fromEntries(perChannel.map((name) => [name, channelMax[name].map(round)])),
    ranges: Object.fromEntries(
      perTensor.map((name) => [name, { min: round(ranges[name].min), max: round(ranges[name].max) }]),
    ),
  };
  const out = path.join(DEFAULT_MODELS_DIR, SSD_CALIBRATION_FILE);
  fs.writeFileSync(out, `${JSON.stringify(calibration)}\n`);
  console.log(
    `${out}: ${perChannel.length} per-channel and ${perTensor.length} per-tensor ranges from ${files.length * PASSES.length} passes`,
  );
  console.log('Now run `npm run models` to build the int8 detector from it.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
