import type { KindredBridge, LibraryEvent, ScanState } from '../../../common/api';

/**
 * What every view shares: the API, the scan in progress, and a change counter that views watch
 * to reload after a correction or a scan (their own or another window's).
 */
export class LibraryState {
  scan = $state<ScanState | null>(null);
  /** Bumped on every 'library-changed' event. */
  version = $state(0);
  reviewCount = $state(0);
  /** Copies written by the export in progress (any window's), or null. */
  exportProgress = $state<{ done: number; total: number } | null>(null);
  /** The identify in progress: photos indexed, then copies written; or null. */
  identifyProgress = $state<{ phase: 'indexing' | 'annotating'; done: number; total: number } | null>(null);

  constructor(readonly api: KindredBridge) {}

  /** Subscribes to events and loads the first figures; returns the unsubscribe function. */
  start(): () => void {
    const stop = this.api.subscribe((event) => this.onEvent(event));
    void this.api.scanState().then((scan) => (this.scan = scan));
    void this.refreshReviewCount();
    return stop;
  }

  onEvent(event: LibraryEvent): void {
    if (event.type === 'scan-progress') this.scan = event.scan;
    else if (event.type === 'export-progress') this.exportProgress = { done: event.done, total: event.total };
    // An identify works in a temporary library: nothing the views show has changed.
    else if (event.type === 'identify-progress') {
      this.identifyProgress = { phase: event.phase, done: event.done, total: event.total };
    } else {
      this.version++;
      void this.refreshReviewCount();
    }
  }

  /** After a correction made in this window (the event may arrive later, or not at all in tests). */
  changed(): void {
    this.version++;
    void this.refreshReviewCount();
  }

  async refreshReviewCount(): Promise<void> {
    try {
      const groups = await this.api.reviewGroups();
      this.reviewCount = groups.reduce((sum, group) => sum + group.faces.length, 0);
    } catch {
      // The count is a hint; the Review view shows the real error.
    }
  }
}
