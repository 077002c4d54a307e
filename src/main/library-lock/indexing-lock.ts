import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One indexer per library: `kindred scan`, `kindred watch`, `kindred serve` and the app each
 * analyse photos and group faces, and two of them at once would analyse the same photos twice
 * and fight over the single writer. The indexer holds `indexing.lock` in the library folder; short
 * writes (naming, merging, the app's corrections) do not take it: SQLite's busy timeout lets them
 * through between the indexer's transactions.
 *
 * The file is made complete beside the lock and hard-linked into place, so a reader never sees a
 * half-written lock, and link() fails when the lock exists, so two processes never both take it.
 */
export const LOCK_FILE = 'indexing.lock';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** The holder's start time as the kernel counts it (Linux), so a reused pid is not mistaken for it. */
  startTicks: string | null;
  /** When the lock was taken (ISO). */
  since: string;
  /** What holds it, as the user would recognise it: "kindred watch", "the Kindred app". */
  command: string;
  token: string;
}

/** Fields 3… of /proc/PID/stat (state, ppid, …), or null off Linux or when there is no such process. */
function procStat(pid: number | 'self'): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat), or null off Linux. */
export function processStartTicks(pid: number | 'self'): string | null {
  return procStat(pid)?.[19] ?? null;
}

/** Whether the process that wrote `holder` is still running (on another machine: assumed so). */
export function isHolderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(holder.pid);
  // Killed but not yet reaped by its parent: it holds nothing any more.
  if (stat && (stat[0] === 'Z' || stat[0] === 'X')) return false;
  // The pid was reused by another process.
  if (stat && holder.startTicks !== null && stat[19] !== holder.startTicks) return false;
  return true;
}

export function describeHolder(holder: LockHolder): string {
  const where = holder.hostname === os.hostname() ? '' : ` on ${holder.hostname}`;
  return `\`${holder.command}\` (pid ${holder.pid}${where}, since ${holder.since})`;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return undefined;
    return parsed as LockHolder;
  } catch {
    return undefined;
  }
}

export type TryResult = { ok: true } | { ok: false; holder: LockHolder };

/** The indexing lock of one library, as held (or wanted) by this process. */
export class IndexingLock {
  readonly file: string;
  private held: LockHolder | undefined;
  private readonly onExit = () => this.release();

  constructor(
    readonly libraryDir: string,
    readonly command: string,
  ) {
    this.file = path.join(libraryDir, LOCK_FILE);
  }

  get isHeld(): boolean {
    return this.held !== undefined;
  }

  /** Takes the lock if it is free or stale; otherwise says who holds it. */
  tryAcquire(): TryResult {
    if (this.held) return { ok: true };
    for (let attempt = 0; attempt < 3; attempt++) {
      const mine: LockHolder = {
        pid: process.pid,
        hostname: os.hostname(),
        startTicks: processStartTicks('self'),
        since: new Date().toISOString(),
        command: this.command,
        token: randomUUID(),
      };
      const draft = `${this.file}.${process.pid}.${mine.token}`;
      fs.writeFileSync(draft, JSON.stringify(mine));
      try {
        fs.linkSync(draft, this.file);
        this.held = mine;
        process.on('exit', this.onExit);
        return { ok: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        fs.rmSync(draft, { force: true });
      }
      const holder = readHolder(this.file);
      if (holder && isHolderAlive(holder)) return { ok: false, holder };
      this.removeStale(holder);
    }
    const holder = readHolder(this.file);
    if (holder) return { ok: false, holder };
    throw new Error(`Cannot take the indexing lock ${this.file}: it keeps changing. Try again.`);
  }

  /**
   * A lock left by a process that is gone (killed, crashed, the machine restarted). It is moved
   * aside and checked before it is dropped: if another process took the lock over meanwhile, what
   * was moved is theirs and is put back.
   */
  private removeStale(seen: LockHolder | undefined): void {
    const aside = `${this.file}.stale-${process.pid}`;
    try {
      fs.renameSync(this.file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = readHolder(aside);
    if (seen && moved && moved.token !== seen.token && isHolderAlive(moved)) {
      try {
        fs.linkSync(aside, this.file);
      } catch {
        // someone else holds it now: they will see theirs
      }
    }
    fs.rmSync(aside, { force: true });
  }

  /** Waits until the lock is free, checking every `intervalMs`; `onWait` hears once who holds it. */
  async acquire(
    options: { intervalMs?: number; onWait?: (holder: LockHolder) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    let told = false;
    for (;;) {
      const result = this.tryAcquire();
      if (result.ok) return;
      if (!told) {
        told = true;
        options.onWait?.(result.holder);
      }
      if (options.signal?.aborted) throw options.signal.reason;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  }

  /** Drops the lock if this process still holds it (a stale takeover may have happened meanwhile). */
  release(): void {
    if (!this.held) return;
    const current = readHolder(this.file);
    if (current?.token === this.held.token) fs.rmSync(this.file, { force: true });
    this.held = undefined;
    process.off('exit', this.onExit);
  }
}
