import type { ScanState } from '../../common/api';
import type { ScanProgress } from '../scanner/scan';

export interface ScanJobsDependencies {
  /** Scans the folders (then groups the new faces), reporting progress as it goes. */
  scan: (folders: string[], onProgress: (progress: ScanProgress) => void) => Promise<void>;
  onState: (state: ScanState) => void;
  /** Photos were written: views may reload. */
  onWritten: () => void;
}

/** How often a running scan tells the UI it wrote photos (it may write many times a second). */
const CHANGED_INTERVAL_MS = 2000;

/**
 * One scan at a time in the background: folders asked for while a scan runs are queued and
 * scanned next. Its state is what the progress bar shows (photos/s, ETA).
 */
export class ScanJobs {
  state: ScanState | null = null;
  private queue: string[] = [];
  private running: Promise<void> | null = null;
  private lastChanged = 0;

  constructor(private readonly deps: ScanJobsDependencies) {}

  isScanning(folder: string): boolean {
    return (this.state?.running && this.state.folders.includes(folder)) || this.queue.includes(folder);
  }

  start(folders: readonly string[]): void {
    for (const folder of folders) if (!this.queue.includes(folder)) this.queue.push(folder);
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const folders = this.queue;
      this.queue = [];
      await this.runOne(folders);
    }
  }

  private async runOne(folders: string[]): Promise<void> {
    this.publish({
      running: true,
      folders,
      phase: 'walking',
      done: 0,
      total: 0,
      failed: 0,
      photosPerSecond: 0,
      etaSeconds: null,
      error: null,
    });
    try {
      await this.deps.scan(folders, (progress) => {
        const finished = progress.done === progress.total;
        this.publish({
          ...this.state!,
          ...progressFigures(progress),
          phase: finished ? 'grouping' : 'analysing',
        });
        const now = Date.now();
        if (finished || now - this.lastChanged > CHANGED_INTERVAL_MS) {
          this.lastChanged = now;
          this.deps.onWritten();
        }
      });
      this.publish({ ...this.state!, running: false, phase: 'done', etaSeconds: 0 });
    } catch (error) {
      this.publish({
        ...this.state!,
        running: false,
        phase: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.deps.onWritten();
  }

  private publish(state: ScanState): void {
    this.state = state;
    this.deps.onState(state);
  }
}

/** Speed and time left from the scanner's counters. */
export function progressFigures(
  progress: ScanProgress,
): Pick<ScanState, 'done' | 'total' | 'failed' | 'photosPerSecond' | 'etaSeconds'> {
  const seconds = progress.elapsedMs / 1000;
  const photosPerSecond = seconds > 0 ? progress.done / seconds : 0;
  const left = progress.total - progress.done;
  return {
    done: progress.done,
    total: progress.total,
    failed: progress.failed,
    photosPerSecond,
    // No estimate until a few photos are done: the first ones include the models' warm-up.
    etaSeconds: progress.done >= 3 && photosPerSecond > 0 ? Math.ceil(left / photosPerSecond) : null,
  };
}
