import { onnx } from 'onnx-proto';

/** ONNX IR 8 with opset 13: old enough for any recent onnxruntime, new enough for input-style Slice/Pad/Clip. */
export const IR_VERSION = 8;
export const OPSET = 13;

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

export const int = (value: number): Attr => ({ kind: 'int', value });
export const ints = (value: number[]): Attr => ({ kind: 'ints', value });
export const float = (value: number): Attr => ({ kind: 'float', value });
export const str = (value: string): Attr => ({ kind: 'string', value });

/** A dimension is either fixed or a named symbolic one (e.g. the batch size). */
export type Dim = number | string;

export interface ModelMeta {
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

function toAttributeProto(name: string, attr: Attr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (attr.kind) {
    case 'int':
      return { name, type: T.INT, i: attr.value };
    case 'ints':
      return { name, type: T.INTS, ints: attr.value };
    case 'float':
      return { name, type: T.FLOAT, f: attr.value };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(attr.value) };
  }
}

function valueInfo(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A copy of a typed array's bytes, as an ONNX tensor's raw_data. */
export function littleEndianBytes(view: ArrayBufferView): Uint8Array {
  // ONNX raw_data is little-endian; every platform Node ships on is too, so a byte copy suffices.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

/**
 * A deliberately small graph builder: values are referred to by name, nodes are appended
 * in topological order as the network code calls them, and node/value names are derived
 * from a counter so the serialized bytes are identical on every run.
 */
export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly initializerNames = new Set<string>();
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly counters = new Map<string, number>();

  constructor(readonly name: string) {}

  private uniqueName(base: string): string {
    const n = this.counters.get(base) ?? 0;
    this.counters.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  addInput(name: string, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, onnx.TensorProto.DataType.FLOAT, dims));
    return name;
  }

  /** Declares `value` as a graph output called `name` (via Identity when the names differ). */
  addOutput(value: string, name: string, dims: Dim[]): void {
    if (value !== name) this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfo(name, onnx.TensorProto.DataType.FLOAT, dims));
  }

  private addInitializer(name: string, tensor: onnx.ITensorProto): string {
    if (this.initializerNames.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.initializerNames.add(name);
    this.initializers.push({ ...tensor, name });
    return name;
  }

  /** A float32 constant; `dims` must match `data.length`. */
  weight(name: string, data: Float32Array | number[], dims: number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const count = dims.reduce((n, d) => n * d, 1);
    if (count !== values.length) throw new Error(`${name}: ${values.length} values for dims [${dims}]`);
    return this.addInitializer(name, {
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: littleEndianBytes(values),
    });
  }

  /** A 1-D int64 constant, for shape/axes/pads inputs. */
  int64s(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.addInitializer(name, {
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: littleEndianBytes(data),
    });
  }

  /** A float32 scalar constant. */
  scalar(name: string, value: number): string {
    return this.weight(name, [value], []);
  }

  /** Appends a node with one output and returns that output's name. */
  node(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputName?: string): string {
    const output = outputName ?? this.uniqueName(`${opType.toLowerCase()}`);
    this.nodes.push({
      opType,
      name: `${opType}:${output}`,
      input: inputs,
      output: [output],
      // Sorted so that attribute order never depends on how a caller spelled the object.
      attribute: Object.keys(attrs)
        .sort()
        .map((k) => toAttributeProto(k, attrs[k])),
    });
    return output;
  }

  toBytes(meta: ModelMeta): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'kindred-convert-models',
      producerVersion: meta.producerVersion,
      modelVersion: 1,
      docString: meta.docString,
      metadataProps: Object.keys(meta.metadata)
        .sort()
        .map((key) => ({ key, value: meta.metadata[key] })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}
