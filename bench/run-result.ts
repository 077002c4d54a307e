/** What one benchmark configuration reports from its own child process to the parent. */
import { processCpuMs, readCpuTicks, type CpuTicks } from './cpu-load';

export type RunKind =
  'kindred-like' | 'kindred-default' | 'kindred-default-fp32' | 'kindred-default-int8' | 'faceapi';

export const RUN_KINDS: readonly RunKind[] = [
  'kindred-like',
  'kindred-default',
  'kindred-default-fp32',
  'kindred-default-int8',
  'faceapi',
];

export interface RunResult {
  run: RunKind;
  photos: number;
  failed: number;
  faces: number;
  /** Epoch milliseconds, so that runs in parallel processes can be put on one clock. */
  startedAt: number;
  endedAt: number;
  /** Stage name → milliseconds summed over all photos (and over all workers). */
  stageMs: Record<string, number>;
  /** Threads doing the analysis in this process. */
  workers: number;
  /** CPU time of the whole process (every thread) between startedAt and endedAt. */
  cpuMs: number;
  /** The machine's CPU ticks (all processes) at startedAt and endedAt, to tell how busy it was. */
  ticksAtStart: CpuTicks | null;
  ticksAtEnd: CpuTicks | null;
  /** Milliseconds spent loading models before the first photo, when it can be told apart. */
  loadMs: number | null;
  peakRssBytes: number;
}

/** The line prefix the parent looks for in a child's output. */
export const RESULT_PREFIX = 'BENCH-RESULT ';

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Starts the clocks of a run; `stop()` gives its timing fields. */
export function startClocks() {
  const cpuAtStart = processCpuMs();
  const ticksAtStart = readCpuTicks();
  const startedAt = epochMs();
  return {
    startedAt,
    stop: () => ({
      startedAt,
      endedAt: epochMs(),
      cpuMs: processCpuMs() - cpuAtStart,
      ticksAtStart,
      ticksAtEnd: readCpuTicks(),
    }),
  };
}
