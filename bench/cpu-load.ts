/**
 * How much CPU this benchmark got, and how much other processes took meanwhile. The machines
 * this runs on are shared: a figure measured while something else kept a core busy is not a
 * figure of the code, and the report must say so.
 */
import fs from 'node:fs';
import os from 'node:os';

/** Machine-wide CPU time from /proc/stat (Linux), in clock ticks; null elsewhere. */
export interface CpuTicks {
  busy: number;
  total: number;
}

export function readCpuTicks(): CpuTicks | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Cores kept busy, on average, by every process on the machine between two readings. */
export function coresBusy(before: CpuTicks | null, after: CpuTicks | null): number | null {
  if (!before || !after || after.total === before.total) return null;
  return ((after.busy - before.busy) / (after.total - before.total)) * os.cpus().length;
}

/** This process's CPU time (all its threads) in milliseconds. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Cores the whole machine keeps busy over the next `windowMs` (this process sleeps meanwhile). */
export async function machineBusyNow(windowMs = 2000): Promise<number | null> {
  const before = readCpuTicks();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  return coresBusy(before, readCpuTicks());
}

/**
 * Waits, up to `maxWaitMs`, until other processes leave the machine nearly idle, so that a
 * configuration does not start while another session's job holds a core. Returns how busy the
 * machine was when the wait ended (null where that cannot be told).
 */
export async function waitForQuietMachine(
  maxWaitMs: number,
  onWait: (busyCores: number) => void,
  quietBelowCores = 0.25,
): Promise<number | null> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const busy = await machineBusyNow();
    if (busy === null || busy < quietBelowCores || Date.now() >= deadline) return busy;
    onWait(busy);
  }
}
