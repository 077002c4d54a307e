/** A one-line progress bar for a terminal: photos done / total, photos per second, time left. */
export class ProgressBar {
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label = 'Indexing',
  ) {}

  update(done: number, total: number, elapsedMs: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 60));
    const ratio = total > 0 ? done / total : 1;
    const filled = Math.round(ratio * width);
    const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    const eta = rate > 0 ? formatDuration(((total - done) / rate) * 1000) : '–';
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.stream.write(
      `\r${this.label} ${bar} ${done}/${total} photos · ${rate.toFixed(1)} photos/s · ETA ${eta}\x1b[K`,
    );
  }

  finish(): void {
    this.stream.write('\r\x1b[K');
  }
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
    : `${m}:${String(s).padStart(2, '0')}`;
}
