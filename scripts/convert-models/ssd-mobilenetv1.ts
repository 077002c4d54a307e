import { conv, nchwToNhwc, nhwcToNchw, unary, type Feature } from './layers';
import { float, int, OnnxGraph, type ModelMeta } from './onnx-graph';
import type { WeightMap } from './tfjs-weights';

export const SSD_INPUT_SIZE = 512;
export const SSD_ANCHORS = 5118;

/** face-api's batch-norm epsilon for the depthwise layers (TF's default 1e-3 as float32). */
const BN_EPSILON = 0.0010000000474974513;

/** Depthwise layers that halve the resolution in face-api's MobileNetV1. */
const STRIDE_2_LAYERS = new Set([2, 4, 6, 12]);

/** Weights face-api ships but never reads: it hard-codes the preprocessing constants. */
export const SSD_IGNORED_WEIGHTS = ['Preprocessor/mul/x', 'Preprocessor/sub/y'];

/** A clip to [0, 6]: MobileNet's ReLU6, applied after every conv in this network. */
function relu6(g: OnnxGraph, x: Feature): Feature {
  return unary(g, 'Clip', x, ['relu6/min', 'relu6/max']);
}

/** Conv + additive bias + ReLU6: face-api's "pointwise conv layer" (also used for 3x3 kernels). */
function pointwiseConv(g: OnnxGraph, w: WeightMap, x: Feature, prefix: string, stride: number): Feature {
  const out = conv(g, x, {
    name: prefix,
    filter: w.float(`${prefix}/weights`, 4),
    bias: w.float(`${prefix}/convolution_bn_offset`, 1).data,
    stride,
    padding: 'same',
  });
  return relu6(g, out);
}

function depthwiseConv(g: OnnxGraph, w: WeightMap, x: Feature, idx: number): Feature {
  const prefix = `MobilenetV1/Conv2d_${idx}_depthwise`;
  const out = conv(g, x, {
    name: prefix,
    filter: w.float(`${prefix}/depthwise_weights`, 4),
    stride: STRIDE_2_LAYERS.has(idx) ? 2 : 1,
    padding: 'same',
    depthwise: true,
  });
  const bn = (suffix: string, label: string) =>
    g.weight(`${prefix}/BatchNorm/${label}`, w.float(`${prefix}/BatchNorm/${suffix}`, 1).data, [out.c]);
  // BatchNormalization is kept as a node (not folded here); onnxruntime fuses it into the conv.
  const normalized = g.node(
    'BatchNormalization',
    [
      out.value,
      bn('gamma', 'scale'),
      bn('beta', 'B'),
      bn('moving_mean', 'mean'),
      bn('moving_variance', 'var'),
    ],
    { epsilon: float(BN_EPSILON) },
  );
  return relu6(g, { ...out, value: normalized });
}

/**
 * One SSD head: a 1x1 conv producing `anchorsPerCell * k` channels, laid out the way
 * tfjs' reshape of an NHWC tensor enumerates anchors (row, column, anchor).
 */
function headOutput(
  g: OnnxGraph,
  w: WeightMap,
  x: Feature,
  prefix: string,
  k: number,
): { value: string; anchors: number } {
  const out = conv(g, x, {
    name: prefix,
    filter: w.float(`${prefix}/weights`, 4),
    bias: w.float(`${prefix}/biases`, 1).data,
    stride: 1,
    padding: 'same',
  });
  const nhwc = nchwToNhwc(g, out.value);
  const value = g.node('Reshape', [nhwc, g.int64s(`${prefix}/shape`, [0, -1, k])]);
  return { value, anchors: (out.h * out.w * out.c) / k };
}

/**
 * Turns the tfjs anchors (ymin, xmin, ymax, xmax) into (height, width) and (centre y, centre x),
 * with each step rounded to float32 as tfjs computes it at run time, so that baking them into
 * the graph changes no bits.
 */
function anchorGeometry(anchors: Float32Array): { sizes: Float32Array; centers: Float32Array } {
  const n = anchors.length / 4;
  const sizes = new Float32Array(n * 2);
  const centers = new Float32Array(n * 2);
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    for (let axis = 0; axis < 2; axis++) {
      const lo = anchors[i * 4 + axis];
      const hi = anchors[i * 4 + axis + 2];
      const size = f(hi - lo);
      sizes[i * 2 + axis] = size;
      centers[i * 2 + axis] = f(lo + f(size / 2));
    }
  }
  return { sizes, centers };
}

export function buildSsdMobilenetv1(w: WeightMap, meta: ModelMeta): Uint8Array {
  const g = new OnnxGraph('ssd_mobilenetv1');
  g.scalar('relu6/min', 0);
  g.scalar('relu6/max', 6);

  const image = g.addInput('image', [1, SSD_INPUT_SIZE, SSD_INPUT_SIZE, 3]);
  // face-api: x / 127.5 - 1 (it divides; the manifest's 0.00784... multiplier is unused).
  const scaled = g.node('Div', [image, g.scalar('preprocess/divisor', 127.5)]);
  const normalized = g.node('Sub', [scaled, g.scalar('preprocess/offset', 1)]);
  let x: Feature = { value: nhwcToNchw(g, normalized), c: 3, h: SSD_INPUT_SIZE, w: SSD_INPUT_SIZE };

  x = pointwiseConv(g, w, x, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11: Feature | undefined;
  for (let idx = 1; idx <= 13; idx++) {
    x = depthwiseConv(g, w, x, idx);
    x = pointwiseConv(g, w, x, `MobilenetV1/Conv2d_${idx}_pointwise`, 1);
    if (idx === 11) conv11 = x;
  }
  if (!conv11) throw new Error('unreachable: conv11 missing');

  // Extra feature layers: 1x1 stride 1 then 3x3 stride 2, four times.
  const extras: Feature[] = [];
  let y = x;
  for (let idx = 0; idx < 8; idx++) {
    y = pointwiseConv(g, w, y, `Prediction/Conv2d_${idx}_pointwise`, idx % 2 === 1 ? 2 : 1);
    if (idx % 2 === 1) extras.push(y);
  }

  const sources = [conv11, x, ...extras];
  const boxParts: string[] = [];
  const classParts: string[] = [];
  let anchors = 0;
  sources.forEach((feature, i) => {
    const box = headOutput(g, w, feature, `Prediction/BoxPredictor_${i}/BoxEncodingPredictor`, 4);
    const cls = headOutput(g, w, feature, `Prediction/BoxPredictor_${i}/ClassPredictor`, 3);
    if (box.anchors !== cls.anchors) throw new Error(`predictor ${i}: box/class anchor counts differ`);
    anchors += box.anchors;
    boxParts.push(box.value);
    classParts.push(cls.value);
  });
  if (anchors !== SSD_ANCHORS) throw new Error(`expected ${SSD_ANCHORS} anchors, built ${anchors}`);
  const encodings = g.node('Concat', boxParts, { axis: int(1) }); // [1, A, 4] = (ty, tx, th, tw)
  const logits = g.node('Concat', classParts, { axis: int(1) }); // [1, A, 3]

  // Box decoding, in face-api's operation order (divisions stay divisions).
  const anchorBoxes = w.float('Output/extra_dim', 3);
  if (anchorBoxes.shape[1] !== SSD_ANCHORS) throw new Error(`anchor table has ${anchorBoxes.shape[1]} rows`);
  const { sizes, centers } = anchorGeometry(anchorBoxes.data);
  const anchorSize = g.weight('Output/anchor_size', sizes, [SSD_ANCHORS, 2]);
  const anchorCenter = g.weight('Output/anchor_center', centers, [SSD_ANCHORS, 2]);
  const axes = g.int64s('decode/axes', [2]);
  const tCenter = g.node('Slice', [
    encodings,
    g.int64s('decode/center_start', [0]),
    g.int64s('decode/center_end', [2]),
    axes,
  ]);
  const tSize = g.node('Slice', [
    encodings,
    g.int64s('decode/size_start', [2]),
    g.int64s('decode/size_end', [4]),
    axes,
  ]);
  const center = g.node('Add', [
    g.node('Mul', [g.node('Div', [tCenter, g.scalar('decode/center_scale', 10)]), anchorSize]),
    anchorCenter,
  ]);
  const half = g.node('Div', [
    g.node('Mul', [g.node('Exp', [g.node('Div', [tSize, g.scalar('decode/size_scale', 5)])]), anchorSize]),
    g.scalar('decode/two', 2),
  ]);
  const boxes = g.node('Concat', [g.node('Sub', [center, half]), g.node('Add', [center, half])], {
    axis: int(2),
  });
  g.addOutput(boxes, 'boxes', [1, SSD_ANCHORS, 4]);

  // Class 0 is background; face-api's score is sigmoid of the class-1 logit.
  const faceLogit = g.node('Slice', [logits, g.int64s('score/start', [1]), g.int64s('score/end', [2]), axes]);
  const scores = g.node('Reshape', [
    g.node('Sigmoid', [faceLogit]),
    g.int64s('score/shape', [1, SSD_ANCHORS]),
  ]);
  g.addOutput(scores, 'scores', [1, SSD_ANCHORS]);

  return g.toBytes(meta);
}
