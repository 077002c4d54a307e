import { add, conv, nhwcToNchw, pool, unary, type Feature } from './layers';
import { OnnxGraph, type ModelMeta } from './onnx-graph';
import type { WeightMap } from './tfjs-weights';

export const LANDMARK_INPUT_SIZE = 112;

/** Per-channel RGB mean face-api subtracts before dividing by 255 (landmark and recognition nets). */
export const FACE_MEAN_RGB = [122.782, 117.001, 104.298];

/**
 * face-api's (x - meanRgb) / 255 on the NHWC input, then NCHW. Shared with the recognition
 * net, which normalises identically.
 */
export function meanRgbNormalize(g: OnnxGraph, image: string, size: number): Feature {
  const centered = g.node('Sub', [image, g.weight('preprocess/mean_rgb', FACE_MEAN_RGB, [3])]);
  const scaled = g.node('Div', [centered, g.scalar('preprocess/divisor', 255)]);
  return { value: nhwcToNchw(g, scaled), c: 3, h: size, w: size };
}

/** tf.separableConv2d + bias: depthwise 3x3 (no bias) followed by a biased 1x1 conv. */
function separableConv(g: OnnxGraph, w: WeightMap, x: Feature, prefix: string, stride: number): Feature {
  const depthwise = conv(g, x, {
    name: `${prefix}/depthwise`,
    filter: w.float(`${prefix}/depthwise_filter`, 4),
    stride,
    padding: 'same',
    depthwise: true,
  });
  return conv(g, depthwise, {
    name: `${prefix}/pointwise`,
    filter: w.float(`${prefix}/pointwise_filter`, 4),
    bias: w.float(`${prefix}/bias`, 1).data,
    stride: 1,
    padding: 'same',
  });
}

/**
 * face-api's denseBlock4: a strided entry conv, then three separable convs, each fed the
 * ReLU of the sum of everything produced so far in the block.
 */
function denseBlock4(g: OnnxGraph, w: WeightMap, x: Feature, prefix: string, isFirst: boolean): Feature {
  const entry = isFirst
    ? conv(g, x, {
        name: `${prefix}/conv0`,
        filter: w.float(`${prefix}/conv0/filters`, 4),
        bias: w.float(`${prefix}/conv0/bias`, 1).data,
        stride: 2,
        padding: 'same',
      })
    : separableConv(g, w, x, `${prefix}/conv0`, 2);
  const out1 = unary(g, 'Relu', entry);
  const out2 = separableConv(g, w, out1, `${prefix}/conv1`, 1);
  const in3 = unary(g, 'Relu', add(g, out1, out2));
  const out3 = separableConv(g, w, in3, `${prefix}/conv2`, 1);
  // Sum order mirrors tfjs (out1 + (out2 + out3)) so float rounding matches as closely as possible.
  const in4 = unary(g, 'Relu', add(g, out1, add(g, out2, out3)));
  const out4 = separableConv(g, w, in4, `${prefix}/conv3`, 1);
  return unary(g, 'Relu', add(g, out1, add(g, out2, add(g, out3, out4))));
}

/**
 * Adds face-api's FaceFeatureExtractor (four dense blocks + 7x7 average pool) to `g`,
 * returning the flattened [N, 256] bottleneck.
 */
function featureExtractor(g: OnnxGraph, w: WeightMap, image: string): string {
  let x = meanRgbNormalize(g, image, LANDMARK_INPUT_SIZE);
  for (let i = 0; i < 4; i++) x = denseBlock4(g, w, x, `dense${i}`, i === 0);
  x = pool(g, 'AveragePool', x, 7, 2);
  if (x.h !== 1 || x.w !== 1) throw new Error(`feature map is ${x.h}x${x.w}, expected 1x1`);
  return g.node('Flatten', [x.value]);
}

export function buildFaceLandmark68(w: WeightMap, meta: ModelMeta): Uint8Array {
  const g = new OnnxGraph('face_landmark_68');
  const image = g.addInput('image', ['N', LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE, 3]);
  const features = featureExtractor(g, w, image);
  const fcW = w.float('fc/weights', 2);
  const fcB = w.float('fc/bias', 1);
  const product = g.node('MatMul', [features, g.weight('fc/weights', fcW.data, fcW.shape)]);
  const landmarks = g.node('Add', [product, g.weight('fc/bias', fcB.data, fcB.shape)]);
  g.addOutput(landmarks, 'landmarks', ['N', 136]);
  return g.toBytes(meta);
}
