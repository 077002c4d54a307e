import { onnx } from 'onnx-proto';
import { littleEndianBytes } from './onnx-graph';

/**
 * Static QDQ int8 quantization of a converted float graph (the SSD detector), done on the ONNX
 * protobuf itself so that `npm run models` needs nothing but the float model and a committed
 * calibration file. ONNX Runtime's QDQ transformer turns each DequantizeLinear → Conv →
 * QuantizeLinear group into one QLinearConv (uint8 activations, int8 per-channel weights); the
 * float graph around the groups (pre-processing, reshapes, box decoding) stays as it is.
 */

/** The observed range of one activation tensor over the calibration photos. */
export interface TensorRange {
  min: number;
  max: number;
}

export interface QuantizeOptions {
  /** Observed activation ranges, by tensor name in the float graph (after BatchNorm folding). */
  ranges: Record<string, TensorRange>;
  /** Which Conv nodes to quantize; the others stay float. */
  quantizeConv: (conv: onnx.INodeProto) => boolean;
  /**
   * Largest magnitude of a quantized weight: 127 uses all of int8; 63 ("reduce range", 7-bit)
   * keeps AVX2's u8×s8 pair sums (vpmaddubsw) below int16 saturation on CPUs without VNNI.
   * Measured on the fixtures (docs/detection.md), 127 gave the smaller output error here.
   */
  weightMax: number;
}

const { DataType } = onnx.TensorProto;

function floats(tensor: onnx.ITensorProto): Float32Array {
  if (tensor.dataType !== DataType.FLOAT || !tensor.rawData)
    throw new Error(`${tensor.name}: not a raw float tensor`);
  // A copy: protobufjs hands out Node Buffers, whose slice() is a view into a shared pool.
  const raw = Uint8Array.from(tensor.rawData);
  return new Float32Array(raw.buffer, 0, raw.byteLength / 4);
}

function rawTensor(name: string, dataType: number, dims: number[], view: ArrayBufferView): onnx.ITensorProto {
  return { name, dataType, dims, rawData: littleEndianBytes(view) };
}

function attrInt(node: onnx.INodeProto, name: string, fallback: number): number {
  const attr = node.attribute?.find((a) => a.name === name);
  return attr ? Number(attr.i) : fallback;
}

function dims(tensor: onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map(Number);
}

/**
 * Folds each BatchNormalization that directly follows a Conv into that Conv's weight and bias
 * (in double precision, rounded once to float32). ONNX Runtime does the same when it optimizes a
 * float session; it has to be done here for the int8 graph because the weights are quantized
 * after folding, and a BatchNormalization between a Conv and its QuantizeLinear would block
 * the QLinearConv fusion.
 */
export function foldBatchNorms(model: onnx.IModelProto): onnx.IModelProto {
  const graph = model.graph!;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const producers = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producers.set(out, node);
  const consumers = (value: string) => (graph.node ?? []).filter((n) => n.input?.includes(value));

  const removed = new Set<onnx.INodeProto>();
  const replaced = new Map<string, onnx.ITensorProto>();
  const added: onnx.ITensorProto[] = [];
  const dropped = new Set<string>();
  for (const bn of graph.node ?? []) {
    if (bn.opType !== 'BatchNormalization') continue;
    const conv = producers.get(bn.input![0]);
    if (!conv || conv.opType !== 'Conv' || consumers(conv.output![0]).length !== 1) continue;
    const [, scaleName, betaName, meanName, varName] = bn.input!;
    const eps = bn.attribute?.find((a) => a.name === 'epsilon')?.f ?? 1e-5;
    const weight = inits.get(conv.input![1])!;
    const w = floats(weight);
    const [gamma, beta, mean, variance] = [scaleName, betaName, meanName, varName].map((n) =>
      floats(inits.get(n)!),
    );
    const cout = dims(weight)[0];
    const per = w.length / cout;
    const bias = conv.input![2] ? floats(inits.get(conv.input![2])!) : new Float32Array(cout);
    const foldedW = new Float32Array(w.length);
    const foldedB = new Float32Array(cout);
    for (let c = 0; c < cout; c++) {
      const factor = gamma[c] / Math.sqrt(variance[c] + eps);
      for (let i = 0; i < per; i++) foldedW[c * per + i] = w[c * per + i] * factor;
      foldedB[c] = (bias[c] - mean[c]) * factor + beta[c];
    }
    replaced.set(weight.name!, rawTensor(weight.name!, DataType.FLOAT, dims(weight), foldedW));
    const biasName = conv.input![2] ?? `${weight.name!.replace(/\/W$/, '')}/B`;
    if (conv.input![2]) replaced.set(biasName, rawTensor(biasName, DataType.FLOAT, [cout], foldedB));
    else added.push(rawTensor(biasName, DataType.FLOAT, [cout], foldedB));
    conv.input = [conv.input![0], conv.input![1], biasName];
    conv.output = [bn.output![0]];
    removed.add(bn);
    for (const n of [scaleName, betaName, meanName, varName]) dropped.add(n);
  }
  graph.node = (graph.node ?? []).filter((n) => !removed.has(n));
  graph.initializer = [
    ...(graph.initializer ?? []).filter((t) => !dropped.has(t.name!)).map((t) => replaced.get(t.name!) ?? t),
    ...added,
  ];
  return model;
}

/** uint8 affine parameters covering [min, max] and always 0 (so zero padding is exact). */
export function activationParams(range: TensorRange): { scale: number; zeroPoint: number } {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  let scale = Math.fround(max > min ? (max - min) / 255 : 1);
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
  // ORT drops a ReLU6 Clip before a QuantizeLinear only when the quantized range lies inside the
  // clip's, to float32 epsilon; 255 × fround(6 / 255) lands just above 6, so step the scale down.
  while (zeroPoint === 0 && Math.fround(scale * 255) > range.max && range.max > 0)
    scale = nextFloat32Below(scale);
  return { scale, zeroPoint };
}

/** The largest float32 below a positive float32. */
function nextFloat32Below(value: number): number {
  const bits = new Uint32Array(Float32Array.of(value).buffer);
  bits[0] -= 1;
  return new Float32Array(bits.buffer)[0];
}

/**
 * The Convs that `quantizeConv` picks, and the activations that then need a calibrated range:
 * each chosen Conv's input and its output (after its ReLU6 Clip when it has one).
 */
export function quantizedActivations(
  model: onnx.IModelProto,
  quantizeConv: QuantizeOptions['quantizeConv'],
): { chosen: onnx.INodeProto[]; quantized: Set<string> } {
  const nodes = model.graph!.node ?? [];
  const inits = new Map((model.graph!.initializer ?? []).map((t) => [t.name!, t]));
  const chosen = nodes.filter(
    (node) => node.opType === 'Conv' && inits.has(node.input![1]) && quantizeConv(node),
  );
  const quantized = new Set<string>();
  for (const conv of chosen) {
    quantized.add(conv.input![0]);
    const next = nodes.filter((n) => n.input?.includes(conv.output![0]));
    quantized.add(next.length === 1 && next[0].opType === 'Clip' ? next[0].output![0] : conv.output![0]);
  }
  return { chosen, quantized };
}

/**
 * Rewrites `model` (BatchNorms already folded) into QDQ form: every chosen Conv reads its input
 * through QuantizeLinear → DequantizeLinear (uint8, per tensor), its weight through an int8
 * per-output-channel DequantizeLinear, its bias through an int32 DequantizeLinear with scale
 * input scale × weight scale, and its output (after the ReLU6 Clip when there is one, so ORT
 * can drop the Clip into the quantized range) goes through QuantizeLinear → DequantizeLinear.
 */
export function quantizeQdq(model: onnx.IModelProto, options: QuantizeOptions): onnx.IModelProto {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const { chosen, quantized } = quantizedActivations(model, options.quantizeConv);
  const params = new Map<string, { scale: number; zeroPoint: number }>();
  for (const value of quantized) {
    const range = options.ranges[value];
    if (!range) throw new Error(`no calibration range for ${value}`);
    params.set(value, activationParams(range));
  }

  const newInits: onnx.ITensorProto[] = [];
  const scalarF = (name: string, v: number) => {
    newInits.push(rawTensor(name, DataType.FLOAT, [], Float32Array.of(v)));
    return name;
  };
  const scalarU8 = (name: string, v: number) => {
    newInits.push(rawTensor(name, DataType.UINT8, [], Uint8Array.of(v)));
    return name;
  };

  // Quantize each chosen conv's weight (per output channel, symmetric) and bias (int32).
  const dropped = new Set<string>();
  const weightNodes = new Map<onnx.INodeProto, onnx.INodeProto[]>();
  for (const conv of chosen) {
    const weight = inits.get(conv.input![1])!;
    const w = floats(weight);
    const wDims = dims(weight);
    const cout = wDims[0];
    const per = w.length / cout;
    const q = new Int8Array(w.length);
    const scales = new Float32Array(cout);
    for (let c = 0; c < cout; c++) {
      let peak = 0;
      for (let i = 0; i < per; i++) peak = Math.max(peak, Math.abs(w[c * per + i]));
      const scale = Math.fround(peak > 0 ? peak / options.weightMax : 1);
      scales[c] = scale;
      for (let i = 0; i < per; i++) {
        const v = Math.round(w[c * per + i] / scale);
        q[c * per + i] = Math.max(-options.weightMax, Math.min(options.weightMax, v));
      }
    }
    const base = weight.name!;
    newInits.push(rawTensor(`${base}/quantized`, DataType.INT8, wDims, q));
    newInits.push(rawTensor(`${base}/zero_point`, DataType.INT8, [cout], new Int8Array(cout)));
    newInits.push(rawTensor(`${base}/scale`, DataType.FLOAT, [cout], scales));
    const dqNodes: onnx.INodeProto[] = [];
    const wOut = `${base}/dequantized`;
    dqNodes.push(dqNode(`${base}/quantized`, `${base}/scale`, `${base}/zero_point`, wOut, 0));
    dropped.add(base);
    const inputs = [dequantizedName(conv.input![0]), wOut];

    if (conv.input![2]) {
      const biasInit = inits.get(conv.input![2])!;
      const b = floats(biasInit);
      const xScale = params.get(conv.input![0])!.scale;
      const bq = new Int32Array(cout);
      const bScales = new Float32Array(cout);
      for (let c = 0; c < cout; c++) {
        bScales[c] = Math.fround(xScale * scales[c]);
        bq[c] = Math.round(b[c] / bScales[c]);
      }
      const bBase = biasInit.name!;
      newInits.push(rawTensor(`${bBase}/quantized`, DataType.INT32, [cout], bq));
      newInits.push(rawTensor(`${bBase}/scale`, DataType.FLOAT, [cout], bScales));
      newInits.push(rawTensor(`${bBase}/zero_point`, DataType.INT32, [cout], new Int32Array(cout)));
      const bOut = `${bBase}/dequantized`;
      dqNodes.push(dqNode(`${bBase}/quantized`, `${bBase}/scale`, `${bBase}/zero_point`, bOut, 0));
      dropped.add(bBase);
      inputs.push(bOut);
    }
    conv.input = inputs;
    weightNodes.set(conv, dqNodes);
  }

  // Q → DQ after the producer of each quantized activation; its consumers read the DQ output.
  const chosenSet = new Set(chosen);
  const out: onnx.INodeProto[] = [];
  const insertPair = (value: string) => {
    const p = params.get(value)!;
    const scale = scalarF(`${value}/scale`, p.scale);
    const zero = scalarU8(`${value}/zero_point`, p.zeroPoint);
    out.push({
      opType: 'QuantizeLinear',
      name: `QuantizeLinear:${value}`,
      input: [value, scale, zero],
      output: [`${value}/quantized`],
    });
    out.push(dqNode(`${value}/quantized`, scale, zero, dequantizedName(value)));
  };
  for (const input of graph.input ?? []) if (quantized.has(input.name!)) insertPair(input.name!);
  for (const node of nodes) {
    if (chosenSet.has(node)) out.push(...weightNodes.get(node)!);
    // Every other consumer of a quantized value reads its DQ too: ORT fuses a Conv (or its Clip)
    // into QLinearConv only when the QuantizeLinear is its output's sole consumer (a head's output
    // also feeds a float Transpose), and the float nodes then see what the int8 layers see.
    if (!chosenSet.has(node) && node.opType !== 'QuantizeLinear')
      node.input = (node.input ?? []).map((v) => (quantized.has(v) ? dequantizedName(v) : v));
    out.push(node);
    for (const value of node.output ?? []) if (quantized.has(value)) insertPair(value);
  }
  graph.node = out;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name!)), ...newInits];
  return model;
}

function dequantizedName(value: string): string {
  return `${value}/dequantized`;
}

function dqNode(input: string, scale: string, zero: string, output: string, axis?: number): onnx.INodeProto {
  return {
    opType: 'DequantizeLinear',
    name: `DequantizeLinear:${output}`,
    input: [input, scale, zero],
    output: [output],
    attribute:
      axis === undefined ? [] : [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }],
  };
}

/**
 * Per-channel equalization across each ReLU6: channel c of a Conv's clipped output is multiplied
 * by s_c ≥ 1 (its weights and bias), and the consuming Convs' weights for input channel c are
 * divided by s_c. With s_c = 6 / (the channel's observed maximum) every channel then spans the
 * per-tensor uint8 range [0, 6] instead of a handful of its steps, which is what MobileNet's
 * folded depthwise layers otherwise suffer from. The function changes only where a channel
 * would exceed its calibrated maximum (min(6, s·x) = s·min(6/s, x)): it is then clipped there.
 * `scaleFor` picks s_c from the channel's maximum.
 */
export function equalizeChannels(
  model: onnx.IModelProto,
  channelMax: Record<string, number[]>,
  scaleFor: (max: number) => number,
): Record<string, number[]> {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const producers = new Map<string, onnx.INodeProto>();
  for (const node of nodes) for (const out of node.output ?? []) producers.set(out, node);
  const replace = (tensor: onnx.ITensorProto, data: Float32Array) => {
    const next = rawTensor(tensor.name!, DataType.FLOAT, dims(tensor), data);
    graph.initializer = (graph.initializer ?? []).map((t) => (t.name === tensor.name ? next : t));
    inits.set(tensor.name!, next);
  };
  const applied: Record<string, number[]> = {};
  for (const clip of nodes) {
    if (clip.opType !== 'Clip') continue;
    const value = clip.output![0];
    const conv = producers.get(clip.input![0]);
    const consumers = nodes.filter((n) => n.input?.includes(value));
    if (!conv || conv.opType !== 'Conv' || !channelMax[value]) continue;
    if (consumers.length === 0 || consumers.some((n) => n.opType !== 'Conv' || n.input![0] !== value))
      continue;
    const scales = channelMax[value].map((max) => Math.fround(scaleFor(max)));
    applied[value] = scales;
    // The producer: output channel c (weight rows, bias) × s_c.
    const weight = inits.get(conv.input![1])!;
    const w = floats(weight);
    const cout = dims(weight)[0];
    const per = w.length / cout;
    for (let c = 0; c < cout; c++)
      for (let i = 0; i < per; i++) w[c * per + i] = Math.fround(w[c * per + i] * scales[c]);
    replace(weight, w);
    const bias = inits.get(conv.input![2]!)!;
    replace(
      bias,
      floats(bias).map((b, c) => Math.fround(b * scales[c])),
    );
    // The consumers: input channel c ÷ s_c (a depthwise weight's row c is its input channel c).
    for (const next of consumers) {
      const nw = inits.get(next.input![1])!;
      const data = floats(nw);
      const [o, i, kh, kw] = dims(nw);
      const group = attrInt(next, 'group', 1);
      for (let oc = 0; oc < o; oc++)
        for (let ic = 0; ic < i; ic++) {
          const channel = group > 1 ? oc : ic;
          for (let k = 0; k < kh * kw; k++) {
            const at = (oc * i + ic) * kh * kw + k;
            data[at] = Math.fround(data[at] / scales[channel]);
          }
        }
      replace(nw, data);
    }
  }
  return applied;
}
