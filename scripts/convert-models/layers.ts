import { int, ints, type OnnxGraph } from './onnx-graph';

/**
 * A 4-D NCHW activation inside the graph. The spatial size is tracked statically because
 * every network here has a fixed input resolution, which lets us reproduce TensorFlow's
 * 'same' padding (asymmetric on stride 2) with explicit pads instead of auto_pad.
 */
export interface Feature {
  value: string;
  c: number;
  h: number;
  w: number;
}

export interface Filter {
  /** tfjs layout: [kh, kw, in, out] for a normal conv, [kh, kw, channels, 1] for depthwise. */
  shape: number[];
  data: Float32Array;
}

export type Padding = 'same' | 'valid';

/** tfjs [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
export function hwioToOihw(filter: Filter): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, cout] = filter.shape;
  const out = new Float32Array(filter.data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = filter.data[((y * kw + x) * cin + i) * cout + o];
        }
      }
    }
  }
  return { data: out, dims: [cout, cin, kh, kw] };
}

/** tfjs depthwise [kh, kw, C, 1] -> ONNX grouped conv weight [C, 1, kh, kw]. */
export function depthwiseToOihw(filter: Filter): { data: Float32Array; dims: number[] } {
  const [kh, kw, c, multiplier] = filter.shape;
  if (multiplier !== 1) throw new Error(`depthwise multiplier ${multiplier} is not supported`);
  return hwioToOihw({ shape: [kh, kw, 1, c], data: filter.data });
}

/** Output size and [before, after] padding of one spatial axis, as TensorFlow computes them. */
export function tfPadding(size: number, kernel: number, stride: number, padding: Padding) {
  if (padding === 'valid') {
    return { out: Math.floor((size - kernel) / stride) + 1, before: 0, after: 0 };
  }
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

export interface ConvOptions {
  /** Prefix for the initializer names, normally the tfjs weight path. */
  name: string;
  filter: Filter;
  bias?: Float32Array;
  stride: number;
  padding: Padding;
  depthwise?: boolean;
}

/** tf.conv2d / tf.depthwiseConv2d (+ optional bias) on an NCHW feature. */
export function conv(g: OnnxGraph, x: Feature, opts: ConvOptions): Feature {
  const [kh, kw] = opts.filter.shape;
  const weight = opts.depthwise ? depthwiseToOihw(opts.filter) : hwioToOihw(opts.filter);
  const cout = weight.dims[0];
  if (!opts.depthwise && weight.dims[1] !== x.c) {
    throw new Error(`${opts.name}: filter expects ${weight.dims[1]} channels, input has ${x.c}`);
  }
  if (opts.depthwise && cout !== x.c)
    throw new Error(`${opts.name}: depthwise filter for ${cout} channels, input has ${x.c}`);
  const py = tfPadding(x.h, kh, opts.stride, opts.padding);
  const px = tfPadding(x.w, kw, opts.stride, opts.padding);
  const inputs = [x.value, g.weight(`${opts.name}/W`, weight.data, weight.dims)];
  if (opts.bias) {
    if (opts.bias.length !== cout)
      throw new Error(`${opts.name}: bias has ${opts.bias.length} values for ${cout} channels`);
    inputs.push(g.weight(`${opts.name}/B`, opts.bias, [cout]));
  }
  const value = g.node('Conv', inputs, {
    group: int(opts.depthwise ? x.c : 1),
    kernel_shape: ints([kh, kw]),
    pads: ints([py.before, px.before, py.after, px.after]),
    strides: ints([opts.stride, opts.stride]),
  });
  return { value, c: cout, h: py.out, w: px.out };
}

/** tf.maxPool / tf.avgPool with 'valid' padding (the only kind these networks use). */
export function pool(
  g: OnnxGraph,
  op: 'MaxPool' | 'AveragePool',
  x: Feature,
  kernel: number,
  stride: number,
): Feature {
  const py = tfPadding(x.h, kernel, stride, 'valid');
  const px = tfPadding(x.w, kernel, stride, 'valid');
  const value = g.node(op, [x.value], {
    kernel_shape: ints([kernel, kernel]),
    pads: ints([0, 0, 0, 0]),
    strides: ints([stride, stride]),
  });
  return { value, c: x.c, h: py.out, w: px.out };
}

/** Applies a unary op that keeps the shape (Relu, Clip, ...). */
export function unary(g: OnnxGraph, op: string, x: Feature, extraInputs: string[] = []): Feature {
  return { ...x, value: g.node(op, [x.value, ...extraInputs]) };
}

export function add(g: OnnxGraph, a: Feature, b: Feature): Feature {
  if (a.c !== b.c || a.h !== b.h || a.w !== b.w) {
    throw new Error(`add: shape mismatch [${a.c},${a.h},${a.w}] vs [${b.c},${b.h},${b.w}]`);
  }
  return { ...a, value: g.node('Add', [a.value, b.value]) };
}

/**
 * NHWC float input -> NCHW, the layout ONNX convolutions expect. Returned as the
 * raw value name: normalisation is done by each network on the NHWC tensor first.
 */
export function nhwcToNchw(g: OnnxGraph, value: string): string {
  return g.node('Transpose', [value], { perm: ints([0, 3, 1, 2]) });
}

/** NCHW -> NHWC, needed wherever tfjs code reshapes activations and so depends on channel-last order. */
export function nchwToNhwc(g: OnnxGraph, value: string): string {
  return g.node('Transpose', [value], { perm: ints([0, 2, 3, 1]) });
}
