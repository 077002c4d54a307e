export interface ReadmeModel {
  file: string;
  sha256: string;
  bytes: number;
  sourceFiles: string[];
}

export interface ReadmeInput {
  faceApiVersion: string;
  converterVersion: string;
  models: ReadmeModel[];
}

/**
 * Max |ONNX - face-api| seen by test/models/parity.test.ts (onnxruntime-node CPU vs face-api on
 * tfjs-backend-wasm, same input arrays, real fixture photos). Kept here rather than measured at
 * conversion time so that converting stays fast and needs no tfjs; re-measure and update these
 * numbers whenever a graph changes.
 */
const MEASURED_MAX_ABS_DIFF: Record<string, string> = {
  'ssd_mobilenetv1.onnx':
    'boxes 2.8e-6, scores 6.9e-7 (all 5118 anchors; groups/bbt4.jpg, misc/curie_upright.jpg)',
  'face_landmark_68.onnx': '1.2e-7 (all 136 values, relative units; batch of 11 face crops)',
  'face_recognition.onnx': '3.9e-7 (all 128 values; batch of 11 face crops)',
};

/** The int8 detector is an approximation of the float one, so it is held to detection results instead. */
const APPROXIMATIONS: Record<string, string> = {
  'ssd_mobilenetv1_int8.onnx':
    'not held to face-api (an 8-bit approximation of `ssd_mobilenetv1.onnx`); ' +
    '`test/models/int8-detector.test.ts` requires it to find the same faces as the float model on the fixtures. ' +
    'The default pipeline runs its plain pass and 2× canvas on it, the frame-filling 2.5× and 3× canvases ' +
    'on `ssd_mobilenetv1.onnx` (docs/detection.md)',
};

const TOLERANCE = '1e-4';

function section(model: ReadmeModel, faceApiVersion: string, body: string): string {
  return [
    `## ${model.file}`,
    '',
    `- Source: npm \`@vladmandic/face-api@${faceApiVersion}\`, \`model/${model.sourceFiles.join('`, `model/')}\``,
    `- sha256: \`${model.sha256}\` (${model.bytes} bytes)`,
    APPROXIMATIONS[model.file]
      ? `- Accuracy: ${APPROXIMATIONS[model.file]}`
      : `- Max abs difference vs face-api: ${MEASURED_MAX_ABS_DIFF[model.file] ?? 'not measured'}; the parity test requires <= ${TOLERANCE}`,
    body.trim(),
    '',
  ].join('\n');
}

const SSD = `
- License: MIT (face-api by Vladimir Mandic, after Vincent Mühler's face-api.js); the network is
  TensorFlow's SSD MobileNetV1 object-detection architecture trained for faces.
- Input \`image\`: float32 \`[1, 512, 512, 3]\`, NHWC, RGB, values 0..255 (not normalised).
  Inside: \`x / 127.5 - 1\`, then NHWC -> NCHW.
- Output \`boxes\`: float32 \`[1, 5118, 4]\`, one box per anchor as \`(ymin, xmin, ymax, xmax)\`,
  relative 0..1 of the 512x512 input. Decoded from the anchors exactly like face-api's output layer
  (centre offsets / 10, log sizes / 5) and **not clipped**: values may fall slightly outside 0..1,
  as in face-api before NMS.
- Output \`scores\`: float32 \`[1, 5118]\`, sigmoid of the class-1 ("face") logit per anchor.
- Anchors: 5118 = 32x32x3 + 16x16x6 + 8x8x6 + 4x4x6 + 2x2x6 + 1x1x6 (row, column, anchor order).
- What face-api does around it (the consumer must do the same to match it):
  - Preprocessing of a non-square image: zero-pad to a square at the **bottom or right only**
    (not centred), then bilinear resize to 512x512 (tfjs \`resizeBilinear\`, no corner alignment,
    no half-pixel centres).
  - NMS in JS: candidates with score > minConfidence (default 0.5) sorted by score, greedy
    suppression at IoU > 0.5, at most maxResults (default 100).
  - Only then are the kept boxes clipped to 0..1 and scaled to the image: per axis by
    \`512 / round(side * 512 / max(width, height))\`, then by the image side, i.e. about the padded
    square side \`max(width, height)\` in pixels.
`;

const LANDMARKS = `
- License: MIT (face-api by Vladimir Mandic, after Vincent Mühler's face-api.js).
- Input \`image\`: float32 \`[N, 112, 112, 3]\`, NHWC, RGB, values 0..255, N dynamic.
  Inside: \`(x - [122.782, 117.001, 104.298]) / 255\`, then NHWC -> NCHW.
- Output \`landmarks\`: float32 \`[N, 136]\` = \`x0, y0, x1, y1, ...\` of the 68 points, relative 0..1
  of the 112x112 input: the raw network output, before face-api's post-processing.
- What face-api does around it:
  - Crop: the detection box scaled to the image, clipped to its borders and floored.
  - The crop is zero-padded to a square, **centred**: with \`d = |w - h|\`, \`round(d / 2)\` zero
    rows/columns go after (bottom/right) and \`d - round(d / 2)\` before (top/left); then bilinear
    resize to 112x112.
  - Post-processing, with \`s = max(w, h)\` of the crop: \`x_crop = raw_x * s - (s - w) / 2\`,
    \`y_crop = raw_y * s - (s - h) / 2\` (face-api computes this as \`(raw * 112 - pad) / (w * 112 / s)\`
    relative to the crop); then shift by the crop's top-left corner. face-api uses \`d / 2\` here
    even when the padding was split unevenly (odd \`d\`), a sub-pixel quirk a consumer may copy.
`;

const RECOGNITION = `
- License: MIT (face-api by Vladimir Mandic). The network is dlib's ResNet face descriptor,
  \`dlib_face_recognition_resnet_model_v1\` by Davis King (reported 99.38% on LFW), ported to tfjs
  by face-api.js.
- Input \`image\`: float32 \`[N, 150, 150, 3]\`, NHWC, RGB, values 0..255, N dynamic.
  Inside: \`(x - [122.782, 117.001, 104.298]) / 255\`, then NHWC -> NCHW.
- Output \`descriptor\`: float32 \`[N, 128]\`, not normalised (face-api compares descriptors by
  Euclidean distance, 0.6 being its usual "same person" threshold).
- Conversion note: each conv's bias and the following per-channel scale layer are folded into the
  conv weights (double precision, rounded once to float32).
- What face-api does around it: the face box is \`landmarks.align(null, { useDlibAlignment: true })\`
  (square of side \`floor(mean eye-to-mouth distance / 0.45)\`, placed from the centre of the eye
  and mouth centres at 0.5/0.43 of the side), clipped and floored like the landmark crop,
  centre-padded to a square the same way, then bilinear resized to 150x150.
`;

const SSD_INT8 = `
- What it is: \`ssd_mobilenetv1.onnx\` quantized to 8 bits by \`scripts/convert-models/ssd-int8.ts\`
  from the activation ranges in \`ssd_mobilenetv1_int8.calibration.json\` (committed; measured by
  \`npm run calibrate:detector\` on the fixture photos). BatchNorms are folded and channels
  equalized across each ReLU6; then every convolution but the first five runs as ONNX Runtime's
  QLinearConv (uint8 activations per tensor, int8 weights per output channel, int32 biases), in
  QDQ form (QuantizeLinear / DequantizeLinear around float Convs, fused by ONNX Runtime at load).
  Pre-processing, the first five convolutions and the box decoding stay float32.
- Input and outputs: exactly those of \`ssd_mobilenetv1.onnx\` (\`image\` float32
  \`[1, 512, 512, 3]\` 0..255; \`boxes\` \`[1, 5118, 4]\`; \`scores\` \`[1, 5118]\`), so it is a
  drop-in replacement. About 1.6 times as fast on one thread of an AVX2 CPU (docs/detection.md).
- License: MIT, as \`ssd_mobilenetv1.onnx\`.
`;

const BODIES: Record<string, string> = {
  'ssd_mobilenetv1.onnx': SSD,
  'ssd_mobilenetv1_int8.onnx': SSD_INT8,
  'face_landmark_68.onnx': LANDMARKS,
  'face_recognition.onnx': RECOGNITION,
};

export function renderReadme(input: ReadmeInput): string {
  const header = [
    '# Face models (ONNX)',
    '',
    '<!-- Generated by `npm run models` (scripts/convert-models); do not edit by hand. -->',
    '',
    `Converted offline from the tfjs weights shipped in \`@vladmandic/face-api@${input.faceApiVersion}\``,
    `by \`scripts/convert-models\` (converter version ${input.converterVersion}). The uint8-quantised`,
    'weights are dequantised (`q * scale + min`, as tfjs does) and stored as float32 initializers.',
    'ONNX IR version 8, opset 13. Every graph takes NHWC RGB 0..255 input and does its own',
    'normalisation, exactly as face-api does. Conversion is deterministic: re-running it gives the',
    'same bytes (the sha256 values below).',
    '',
    'Parity with the original is checked by `test/models/parity.test.ts`, which feeds identical',
    'inputs to these models (onnxruntime-node) and to face-api on tfjs-backend-wasm.',
    '',
  ].join('\n');
  const sections = input.models.map((m) => section(m, input.faceApiVersion, BODIES[m.file] ?? ''));
  return `${header}\n${sections.join('\n')}`;
}
