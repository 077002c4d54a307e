import fs from 'node:fs';
import os from 'node:os';

/**
 * The CPU's vector extensions, among which ONNX Runtime's kernels (and libvips', and Chromium's
 * software rasterizer) choose at run time. The same code ran the default ingest pipeline at
 * 6.1 photos/s on the eighth session's machine and at 7.9–9.9 on the ninth's, an Intel Xeon with
 * AVX-512 VNNI and AMX, the lower figures while its host was busy (docs/benchmarks.md); the first
 * session's was an AVX2-only AMD EPYC. A figure means little without them.
 */
export function vectorInstructions(): string {
  let cpuinfo: string;
  try {
    cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return 'unknown (no /proc/cpuinfo)';
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1]?.trim().split(/\s+/) ?? []);
  const present = VECTOR_FLAGS.filter((flag) => flags.has(flag));
  return present.length > 0 ? present.join(' ') : 'none of AVX2, AVX-512, VNNI, AMX';
}

const VECTOR_FLAGS = [
  'avx2',
  'fma',
  'avx512f',
  'avx512_vnni',
  'avx_vnni',
  'avx512_bf16',
  'amx_int8',
  'amx_bf16',
];

/** One line naming the CPU and its vector extensions, for a benchmark's report. */
export function describeCpu(): string {
  const cpus = os.cpus();
  return `CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores; vector instructions: ${vectorInstructions()}`;
}
