import { meanRgbNormalize } from './face-landmark-68';
import { add, conv, pool, unary, type Feature, type Filter } from './layers';
import { int, ints, OnnxGraph, str, type ModelMeta } from './onnx-graph';
import type { WeightMap } from './tfjs-weights';

export const RECOGNITION_INPUT_SIZE = 150;
export const DESCRIPTOR_SIZE = 128;

/**
 * dlib's ResNet layer is conv + bias followed by a per-channel affine "scale" layer.
 * Folding the affine into the conv (in double precision, rounded once to float32) gives
 * a plain Conv node; the rounding difference is far below the parity tolerance.
 */
function foldedConv(w: WeightMap, prefix: string): { filter: Filter; bias: Float32Array } {
  const filters = w.float(`${prefix}/conv/filters`, 4);
  const bias = w.float(`${prefix}/conv/bias`, 1).data;
  const gain = w.float(`${prefix}/scale/weights`, 1).data;
  const shift = w.float(`${prefix}/scale/biases`, 1).data;
  const cout = filters.shape[3];
  const data = new Float32Array(filters.data.length);
  for (let i = 0; i < data.length; i++) data[i] = filters.data[i] * gain[i % cout];
  const foldedBias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) foldedBias[o] = bias[o] * gain[o] + shift[o];
  return { filter: { shape: filters.shape, data }, bias: foldedBias };
}

function convLayer(
  g: OnnxGraph,
  w: WeightMap,
  x: Feature,
  prefix: string,
  stride: number,
  relu: boolean,
): Feature {
  const { filter, bias } = foldedConv(w, prefix);
  // face-api: the strided convs of this net use 'valid' padding, the others 'same'.
  const out = conv(g, x, { name: prefix, filter, bias, stride, padding: stride === 2 ? 'valid' : 'same' });
  return relu ? unary(g, 'Relu', out) : out;
}

/** Zero-pads the end of the channel or spatial axes of an NCHW feature. */
function padEnd(
  g: OnnxGraph,
  x: Feature,
  name: string,
  extra: { c?: number; h?: number; w?: number },
): Feature {
  const c = extra.c ?? 0;
  const h = extra.h ?? 0;
  const wd = extra.w ?? 0;
  const value = g.node('Pad', [x.value, g.int64s(`${name}/pads`, [0, 0, 0, 0, 0, c, h, wd])], {
    mode: str('constant'),
  });
  return { value, c: x.c + c, h: x.h + h, w: x.w + wd };
}

function residual(g: OnnxGraph, w: WeightMap, x: Feature, prefix: string): Feature {
  const a = convLayer(g, w, x, `${prefix}/conv1`, 1, true);
  const b = convLayer(g, w, a, `${prefix}/conv2`, 1, false);
  return unary(g, 'Relu', add(g, b, x));
}

/**
 * face-api's residualDown: a strided 'valid' conv branch plus a 2x2 average-pooled shortcut.
 * Where the two disagree, face-api zero-fills: extra shortcut channels are appended as zeros,
 * and a conv branch that comes out one pixel smaller gets a zero row/column at the bottom/right.
 */
function residualDown(g: OnnxGraph, w: WeightMap, x: Feature, prefix: string): Feature {
  let branch = convLayer(g, w, x, `${prefix}/conv1`, 2, true);
  branch = convLayer(g, w, branch, `${prefix}/conv2`, 1, false);
  let shortcut = pool(g, 'AveragePool', x, 2, 2);
  if (branch.h !== shortcut.h || branch.w !== shortcut.w) {
    branch = padEnd(g, branch, `${prefix}/branch_pad`, {
      h: shortcut.h - branch.h,
      w: shortcut.w - branch.w,
    });
  }
  if (shortcut.c !== branch.c) {
    // face-api concatenates a zero tensor the size of the pooled shortcut, i.e. doubles channels.
    if (branch.c !== 2 * shortcut.c)
      throw new Error(`${prefix}: cannot widen ${shortcut.c} to ${branch.c} channels`);
    shortcut = padEnd(g, shortcut, `${prefix}/shortcut_pad`, { c: shortcut.c });
  }
  return unary(g, 'Relu', add(g, shortcut, branch));
}

export function buildFaceRecognition(w: WeightMap, meta: ModelMeta): Uint8Array {
  const g = new OnnxGraph('face_recognition');
  const image = g.addInput('image', ['N', RECOGNITION_INPUT_SIZE, RECOGNITION_INPUT_SIZE, 3]);
  let x = meanRgbNormalize(g, image, RECOGNITION_INPUT_SIZE);

  x = convLayer(g, w, x, 'conv32_down', 2, true);
  x = pool(g, 'MaxPool', x, 3, 2);
  for (const name of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(g, w, x, name);
  x = residualDown(g, w, x, 'conv64_down');
  for (const name of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(g, w, x, name);
  x = residualDown(g, w, x, 'conv128_down');
  for (const name of ['conv128_1', 'conv128_2']) x = residual(g, w, x, name);
  x = residualDown(g, w, x, 'conv256_down');
  for (const name of ['conv256_1', 'conv256_2']) x = residual(g, w, x, name);
  x = residualDown(g, w, x, 'conv256_down_out');

  const pooled = g.node('ReduceMean', [x.value], { axes: ints([2, 3]), keepdims: int(0) });
  const fc = w.float('fc', 2);
  if (fc.shape[0] !== x.c || fc.shape[1] !== DESCRIPTOR_SIZE) throw new Error(`fc has shape [${fc.shape}]`);
  const descriptor = g.node('MatMul', [pooled, g.weight('fc', fc.data, fc.shape)]);
  g.addOutput(descriptor, 'descriptor', ['N', DESCRIPTOR_SIZE]);
  return g.toBytes(meta);
}
