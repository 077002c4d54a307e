import { onnx } from 'onnx-proto';

import {
  equalizeChannels,
  foldBatchNorms,
  quantizedActivations,
  quantizeQdq,
  type TensorRange,
} from './quantize';

/**
 * The int8 SSD detector: the float model of ssd-mobilenetv1.ts, BatchNorms folded, channels
 * equalized across each ReLU6, then every Conv but the first five quantized (QDQ, uint8
 * activations, int8 per-channel weights), from activation ranges measured on real photos by
 * `npm run calibrate:detector` and committed in models/ (a user's machine has no photos to
 * calibrate on). The recipe's choices were measured on the fixtures (docs/detection.md):
 * - the first five (the stem conv and the depthwise/pointwise pairs 1 and 2, at 256² and 128²)
 *   alone caused most of the output error when quantized and only ~10% of the work;
 * - equalization roughly halved the error of the rest; 8-bit weights beat 7-bit ones.
 */
export const SSD_INT8_FILE = 'ssd_mobilenetv1_int8.onnx';
export const SSD_CALIBRATION_FILE = 'ssd_mobilenetv1_int8.calibration.json';

/** The Convs left in float32, by weight name prefix. */
const FLOAT_CONVS = [
  'MobilenetV1/Conv2d_0_pointwise/',
  'MobilenetV1/Conv2d_1_depthwise/',
  'MobilenetV1/Conv2d_1_pointwise/',
  'MobilenetV1/Conv2d_2_depthwise/',
  'MobilenetV1/Conv2d_2_pointwise/',
];
const WEIGHT_MAX = 127;

const quantizeConv = (conv: onnx.INodeProto) => !FLOAT_CONVS.some((p) => conv.input![1].startsWith(p));

/** What `npm run calibrate:detector` writes: observed activation ranges of the folded float graph. */
export interface SsdCalibration {
  /** sha256 of the float model calibrated: the int8 build refuses a calibration of another model. */
  floatModelSha256: string;
  /** Which photos and passes were run, for the record. */
  photos: string;
  /** Per-channel maxima of each quantized ReLU6 output (NCHW channel order). */
  channelMax: Record<string, number[]>;
  /** min/max of each other quantized activation (the head outputs). */
  ranges: Record<string, TensorRange>;
}

/** The folded float graph the calibration runs and the tensors it must observe. */
export function calibrationGraph(floatModel: Uint8Array): {
  model: onnx.IModelProto;
  perChannel: string[];
  perTensor: string[];
} {
  const model = foldBatchNorms(onnx.ModelProto.decode(floatModel));
  const { quantized } = quantizedActivations(model, quantizeConv);
  const clipOutputs = new Set(model.graph!.node!.filter((n) => n.opType === 'Clip').map((n) => n.output![0]));
  const names = [...quantized].sort();
  return {
    model,
    perChannel: names.filter((n) => clipOutputs.has(n)),
    perTensor: names.filter((n) => !clipOutputs.has(n)),
  };
}

/** Equalization factor of a channel whose largest observed ReLU6 output is `max`. */
function equalizationScale(max: number): number {
  return max > 0 ? Math.max(1, 6 / max) : 1;
}

/**
 * Builds the int8 model from the float model's bytes and its calibration. Deterministic: the
 * same inputs give the same bytes (no clock, no randomness, nodes and initializers in graph order).
 */
export function buildSsdInt8(
  floatModel: Uint8Array,
  floatSha256: string,
  calibration: SsdCalibration,
): Uint8Array {
  if (calibration.floatModelSha256 !== floatSha256) {
    throw new Error(
      `${SSD_CALIBRATION_FILE} was measured on another ssd_mobilenetv1.onnx (${calibration.floatModelSha256}, ` +
        `now ${floatSha256}): run \`npm run calibrate:detector\` again`,
    );
  }
  const { model, perChannel, perTensor } = calibrationGraph(floatModel);
  for (const name of perChannel)
    if (!calibration.channelMax[name]) throw new Error(`calibration lacks channel maxima of ${name}`);
  for (const name of perTensor)
    if (!calibration.ranges[name]) throw new Error(`calibration lacks the range of ${name}`);
  const applied = equalizeChannels(model, calibration.channelMax, equalizationScale);
  // After equalization a channel peaks at scale × its observed maximum (6 for most).
  const ranges: Record<string, TensorRange> = { ...calibration.ranges };
  for (const name of perChannel) {
    const scales = applied[name] ?? calibration.channelMax[name].map(() => 1);
    ranges[name] = { min: 0, max: Math.max(...calibration.channelMax[name].map((m, c) => m * scales[c])) };
  }
  quantizeQdq(model, { ranges, quantizeConv, weightMax: WEIGHT_MAX });
  model.producerVersion = `${model.producerVersion}+int8`;
  model.docString = `${model.docString}; int8 QDQ (scripts/convert-models/ssd-int8.ts), calibration: ${calibration.photos}`;
  return onnx.ModelProto.encode(model).finish();
}
