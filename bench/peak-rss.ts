/**
 * Peak resident memory of this process, worker threads included (they share its address space).
 *
 * The kernel's high-water mark (`maxRSS`) catches short peaks that a sampler misses, for example
 * while the main thread is busy inside a synchronous WASM call and no timer can fire; the 50 ms
 * sampler is kept as a cross-check where `maxRSS` is not reported. The larger of the two is the answer.
 */
const SAMPLE_MS = 50;

export interface PeakRss {
  /** Stops sampling and returns the peak in bytes. */
  stop(): number;
}

export function watchPeakRss(): PeakRss {
  let sampled = process.memoryUsage.rss();
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, SAMPLE_MS);
  // Sampling must never keep a finished run alive.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sampled = Math.max(sampled, process.memoryUsage.rss());
      const kernelPeak = process.resourceUsage().maxRSS * 1024; // reported in KiB
      return Math.max(sampled, kernelPeak);
    },
  };
}
