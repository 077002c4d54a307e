import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One tensor from a tfjs weights manifest, dequantized to plain values. */
export interface TfjsTensor {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  uint8: 1,
  uint16: 2,
};

function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Dequantizes one entry exactly the way tfjs-core's decodeWeights does
 * (`q * scale + min` in double precision, then stored as float32; int32 is rounded),
 * so the ONNX initializers are bit-identical to the tensors face-api computes with.
 */
function decodeEntry(entry: ManifestEntry, bytes: Uint8Array): TfjsTensor {
  const count = elementCount(entry.shape);
  const { quantization: q } = entry;
  if (entry.dtype !== 'float32' && entry.dtype !== 'int32') {
    throw new Error(`${entry.name}: unsupported dtype ${entry.dtype}`);
  }
  const dtype = entry.dtype;
  // Copy into a fresh buffer: the shard slice is not guaranteed to be aligned.
  const aligned = bytes.slice().buffer;
  if (!q) {
    const data = dtype === 'float32' ? new Float32Array(aligned) : new Int32Array(aligned);
    return { name: entry.name, dtype, shape: entry.shape, data };
  }
  if ((q.dtype !== 'uint8' && q.dtype !== 'uint16') || q.scale === undefined || q.min === undefined) {
    throw new Error(`${entry.name}: unsupported quantization ${JSON.stringify(q)}`);
  }
  const quantized = q.dtype === 'uint8' ? new Uint8Array(aligned) : new Uint16Array(aligned);
  const data = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = quantized[i] * q.scale + q.min;
    data[i] = dtype === 'int32' ? Math.round(v) : v;
  }
  return { name: entry.name, dtype, shape: entry.shape, data };
}

/**
 * Reads `<modelName>-weights_manifest.json` and its shards from `modelDir`.
 * Returns every tensor by its tfjs name, in manifest order.
 */
export function readTfjsWeights(modelDir: string, modelName: string): Map<string, TfjsTensor> {
  const manifestPath = join(modelDir, `${modelName}-weights_manifest.json`);
  const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestGroup[];
  const tensors = new Map<string, TfjsTensor>();
  for (const group of groups) {
    // Within a group the shards are one logical buffer; entries may straddle shard borders.
    const shards = group.paths.map((p) => readFileSync(join(modelDir, p)));
    const buffer = new Uint8Array(Buffer.concat(shards));
    let offset = 0;
    for (const entry of group.weights) {
      const valueBytes = BYTES_PER_VALUE[entry.quantization?.dtype ?? entry.dtype];
      if (!valueBytes) throw new Error(`${entry.name}: unknown element size`);
      const byteLength = elementCount(entry.shape) * valueBytes;
      if (offset + byteLength > buffer.length) {
        throw new Error(`${entry.name}: manifest runs past the end of ${group.paths.join(', ')}`);
      }
      tensors.set(entry.name, decodeEntry(entry, buffer.subarray(offset, offset + byteLength)));
      offset += byteLength;
    }
    if (offset !== buffer.length) {
      throw new Error(`${modelName}: ${buffer.length - offset} unread bytes in ${group.paths.join(', ')}`);
    }
  }
  return tensors;
}

/** Typed access to a weight map that fails loudly on a missing name or a wrong shape. */
export class WeightMap {
  private readonly used = new Set<string>();

  constructor(
    readonly modelName: string,
    private readonly tensors: Map<string, TfjsTensor>,
  ) {}

  float(name: string, rank?: number): TfjsTensor & { data: Float32Array } {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${this.modelName}: weight ${name} not found`);
    if (t.dtype !== 'float32') throw new Error(`${this.modelName}: weight ${name} is ${t.dtype}`);
    if (rank !== undefined && t.shape.length !== rank) {
      throw new Error(`${this.modelName}: weight ${name} has shape [${t.shape}], expected rank ${rank}`);
    }
    this.used.add(name);
    return t as TfjsTensor & { data: Float32Array };
  }

  /** Float tensors nobody asked for: a sign the graph builder forgot a layer. */
  unusedFloatWeights(): string[] {
    return [...this.tensors.values()]
      .filter((t) => t.dtype === 'float32' && !this.used.has(t.name))
      .map((t) => t.name);
  }
}
