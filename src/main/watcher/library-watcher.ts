import { EventEmitter } from 'node:events';
import path from 'node:path';
import { FSWatcher } from 'chokidar';
import { isFolderOnline } from '../scanner/folder-state';
import { isHiddenInside, isInside } from '../scanner/reconcile';
import type { WrittenPhoto } from '../scanner/scan';
import { isSidecarPath } from '../interchange/read-regions';
import { isLoopAlias, isPhotoPath, type WalkedFile } from '../scanner/walk';
import type { LibraryService } from '../services/library';
import { DEFAULT_PIPELINE, type PipelineOptions } from '../vision/pipeline';
import type { AnalysisPool } from '../vision/pool';
import { needsPolling } from './network-fs';

/** One change the watcher applied to the library (one line of `kindred watch`). */
export type WatchChange =
  | { kind: 'added'; path: string; faces: number }
  | { kind: 'changed'; path: string; faces: number }
  | { kind: 'failed'; path: string; error: string }
  | { kind: 'moved'; from: string; to: string }
  | { kind: 'removed'; path: string }
  | { kind: 'offline'; folder: string }
  | { kind: 'online'; folder: string };

/** Sent once per batch of applied changes: what the app should refresh. */
export interface LibraryChanged {
  /** Photos added, changed, moved or removed in this batch. */
  photos: number;
  /** People made or grown by grouping the new faces (0 when no grouping ran). */
  newPeople: number;
}

export interface LibraryWatcherEvents {
  change: [WatchChange];
  'library-changed': [LibraryChanged];
  /** A problem that did not stop watching (an unreadable folder, a failed pool); it is retried. */
  problem: [{ path: string | null; message: string; cause?: unknown }];
  /** Nothing left to do: every event so far is applied and every pending photo analysed. */
  idle: [];
}

export interface LibraryWatcherOptions {
  workers?: number;
  pipeline?: PipelineOptions;
  /** A file is taken once it has not been written for this long (a half-copied photo waits). */
  settleMs?: number;
  /** Events are gathered this long before they are applied together. */
  debounceMs?: number;
  /**
   * A file that disappeared leaves the library only after this long, so that the other half of a
   * move (its new path) is seen first and the photo keeps its faces.
   */
  removalGraceMs?: number;
  /** How often folder roots are checked for going offline or coming back. */
  rootCheckMs?: number;
  /** Polling interval for folders that are polled. */
  pollIntervalMs?: number;
  /** Whether to poll a folder instead of using OS events. Default: poll network file systems. */
  usePolling?: (folderPath: string) => boolean;
  /** Beyond this many changed paths in one folder, the whole folder is compared instead. */
  maxDirtyPaths?: number;
  /** Photos analysed between two looks at new events (a storm is taken in slices). */
  sliceSize?: number;
  /** The pool is closed after this long without work, and made again when work comes. */
  poolIdleMs?: number;
  /**
   * Another writer of this process is at work (the app's scan the user asked for): the watcher
   * leaves the library to it and looks again a second later, so no photo is analysed twice.
   */
  isBusy?: () => boolean;
}

interface WatchedFolder {
  id: number;
  path: string;
  online: boolean;
  polling: boolean;
  fsw?: FSWatcher;
  dirty: Set<string>;
  /** Compare the whole folder (catch-up, or too many changes to list). */
  whole: boolean;
  /** When the gathered changes are applied (0: nothing gathered). */
  dueAt: number;
  firstDirtyAt: number;
}

const DEFAULTS = {
  settleMs: 1000,
  debounceMs: 200,
  removalGraceMs: 2000,
  rootCheckMs: 3000,
  pollIntervalMs: 2000,
  maxDirtyPaths: 2000,
  poolIdleMs: 30_000,
};
/** However busy a folder is, its changes are applied at least this often. */
const MAX_GATHER_MS = 1000;
/** Photos analysed before the new faces are grouped, during a long storm. */
const GROUP_EVERY = 256;
/** While another writer is busy, the watcher looks again this much later. */
const BUSY_RETRY_MS = 1000;
/** After a failed step, the folder is compared again this much later. */
const RETRY_MS = 5000;

/**
 * Keeps a library in step with its folders: one chokidar watcher per online folder (OS events,
 * or polling on network file systems), a catch-up comparison on start and when a folder comes
 * back, and the same worker pool for every photo to analyse. Everything is applied by one loop,
 * one step at a time, so the library keeps a single writer. Used by `kindred watch` and the app.
 */
export class LibraryWatcher extends EventEmitter<LibraryWatcherEvents> {
  private readonly options: Required<Omit<LibraryWatcherOptions, 'workers' | 'usePolling' | 'isBusy'>> &
    Pick<LibraryWatcherOptions, 'workers' | 'usePolling' | 'isBusy'>;
  private readonly folders = new Map<number, WatchedFolder>();
  /** Files still being written: what was seen of them, and when to look again. */
  private readonly unsettled = new Map<
    string,
    { folderId: number; size: number; mtimeMs: number; seenAt: number; recheckAt: number }
  >();
  /** Photos whose file disappeared, to be removed when the grace period ends. */
  private readonly removals = new Map<number, { path: string; folderId: number; dueAt: number }>();
  /** Why each queued photo is analysed, for its change line. */
  private readonly reasons = new Map<number, 'added' | 'changed'>();
  private needsIndexing = true;
  private indexedSinceGrouping = 0;
  private lastIndexedId = 0;
  private pool: AnalysisPool | undefined;
  private poolIdleTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** Pending photos are tried again after a failed analysis step. */
  private retryTimer: NodeJS.Timeout | undefined;
  private rootTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private catchUpWaiters: (() => void)[] = [];
  private closed = false;
  /** The last loop stopped because another writer was busy. */
  private deferred = false;

  constructor(
    private readonly library: LibraryService,
    options: LibraryWatcherOptions = {},
  ) {
    super();
    this.options = {
      ...DEFAULTS,
      pipeline: DEFAULT_PIPELINE,
      sliceSize: 0,
      ...options,
    };
  }

  /**
   * Starts watching every folder of the library and compares each online one with the disk
   * (size and time first, hashing only what may have moved). Resolves once the watchers are
   * ready and the catch-up comparison is applied; analysing new photos goes on afterwards.
   */
  async start(): Promise<void> {
    await this.refreshFolders();
    const caughtUp = new Promise<void>((resolve) => this.catchUpWaiters.push(resolve));
    this.kick();
    await caughtUp;
    let checking = false;
    this.rootTimer = setInterval(() => {
      if (checking) return; // a slow start of a big folder's watcher: the next tick looks again
      checking = true;
      this.refreshFolders()
        .catch((error: unknown) =>
          this.emit('problem', { path: null, message: `checking folders: ${(error as Error).message}` }),
        )
        .finally(() => {
          checking = false;
          this.kick();
        });
    }, this.options.rootCheckMs);
  }

  /** Resolves when nothing is left to do (all events so far applied, all photos analysed). */
  whenIdle(): Promise<void> {
    if (this.closed || this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', resolve));
  }

  private isIdle(): boolean {
    return (
      !this.running &&
      !this.needsIndexing &&
      this.removals.size === 0 &&
      this.unsettled.size === 0 &&
      [...this.folders.values()].every((folder) => folder.dueAt === 0)
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.rootTimer);
    clearTimeout(this.timer);
    clearTimeout(this.poolIdleTimer);
    clearTimeout(this.retryTimer);
    await this.running?.catch(() => {});
    await Promise.all([...this.folders.values()].map((folder) => folder.fsw?.close()));
    await this.pool?.close();
    this.pool = undefined;
  }

  /** The folders watched now, and whether each is polled (for the start-up lines). */
  watched(): { path: string; online: boolean; polling: boolean }[] {
    return [...this.folders.values()].map(({ path, online, polling }) => ({ path, online, polling }));
  }

  /** Reads the library's folder list: new folders are watched, removed ones dropped, roots checked. */
  private async refreshFolders(): Promise<void> {
    if (this.closed) return;
    const current = this.library.foldersNow();
    const ids = new Set(current.map((folder) => folder.id));
    for (const [id, folder] of this.folders) {
      if (!ids.has(id)) {
        // Removed from the library (`kindred remove`): nothing of it is left to do.
        this.folders.delete(id);
        this.forget(id);
        await folder.fsw?.close();
      }
    }
    const starting: Promise<void>[] = [];
    for (const summary of current) {
      let folder = this.folders.get(summary.id);
      if (!folder) {
        folder = {
          id: summary.id,
          path: summary.path,
          online: false,
          polling: false,
          dirty: new Set(),
          whole: false,
          dueAt: 0,
          firstDirtyAt: 0,
        };
        this.folders.set(folder.id, folder);
        if (summary.online) starting.push(this.goOnline(folder, false));
      } else if (summary.online !== folder.online) {
        if (summary.online) starting.push(this.goOnline(folder, true));
        else await this.goOffline(folder);
      }
    }
    await Promise.all(starting);
  }

  /** Watches the folder and queues a comparison of all of it (the catch-up). */
  private async goOnline(folder: WatchedFolder, announce: boolean): Promise<void> {
    folder.online = true;
    if (announce) this.emit('change', { kind: 'online', folder: folder.path });
    folder.polling = this.options.usePolling?.(folder.path) ?? needsPolling(folder.path);
    const root = folder.path;
    const polling = folder.polling;
    const fsw = new FSWatcher({
      ignoreInitial: true,
      usePolling: polling,
      interval: this.options.pollIntervalMs,
      binaryInterval: this.options.pollIntervalMs,
      // With OS events only folders are watched (one watch per folder, not per photo: inotify's
      // limit and the start-up time stay small); what happens to the files in a folder comes as
      // that folder's raw events. Polling has to look at each photo file.
      ignored: (candidate, stats) =>
        isHiddenInside(candidate, root) ||
        (stats?.isFile() === true && (!polling || !(isPhotoPath(candidate) || isSidecarPath(candidate)))) ||
        // chokidar follows links to folders: one back up the tree would be watched to the
        // system's link limit, each new photo added again at every level.
        ((stats?.isDirectory() === true || stats?.isSymbolicLink() === true) && isLoopAlias(candidate, root)),
    });
    folder.fsw = fsw;
    fsw.on('all', (_event, changed) => this.markDirty(folder, changed));
    if (!polling) {
      fsw.on('raw', (_event, name, details) => {
        const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
        if (typeof watched !== 'string' || typeof name !== 'string') return;
        const changed = name === '' ? watched : path.join(watched, name);
        if (isInside(changed, root) && !isHiddenInside(changed, root)) this.markDirty(folder, changed);
      });
    }
    fsw.on('error', (error) =>
      this.emit('problem', { path: folder.path, message: `watching failed: ${(error as Error).message}` }),
    );
    const ready = new Promise<void>((resolve) => fsw.once('ready', resolve));
    fsw.add(folder.path);
    await ready;
    // Compared after the watcher is ready, so that nothing written meanwhile falls between the two.
    folder.whole = true;
    folder.dirty.clear();
    folder.dueAt = Date.now();
  }

  private async goOffline(folder: WatchedFolder): Promise<void> {
    folder.online = false;
    folder.dirty.clear();
    folder.whole = false;
    folder.dueAt = 0;
    this.forget(folder.id);
    const fsw = folder.fsw;
    folder.fsw = undefined;
    await fsw?.close();
    this.emit('change', { kind: 'offline', folder: folder.path });
  }

  /** Drops the removals and settle checks of a folder that went offline or away. */
  private forget(folderId: number): void {
    for (const [id, removal] of this.removals) if (removal.folderId === folderId) this.removals.delete(id);
    for (const [filePath, entry] of this.unsettled)
      if (entry.folderId === folderId) this.unsettled.delete(filePath);
  }

  private markDirty(folder: WatchedFolder, changed: string): void {
    if (this.closed || !folder.online) return;
    const now = Date.now();
    if (folder.dueAt === 0) folder.firstDirtyAt = now;
    if (!folder.whole) {
      folder.dirty.add(changed);
      // Bounded memory in a storm: past the limit the whole folder is compared instead.
      if (folder.dirty.size > this.options.maxDirtyPaths) {
        folder.dirty.clear();
        folder.whole = true;
      }
    }
    folder.dueAt = Math.min(folder.firstDirtyAt + MAX_GATHER_MS, now + this.options.debounceMs);
    this.schedule(folder.dueAt - now);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (this.timer && at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.kick();
    }, at - Date.now());
  }

  private kick(): void {
    if (this.closed || this.running) return;
    void this.run();
  }

  /** Runs the loop once (joining the run in progress, if any). */
  private run(): Promise<void> {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      this.afterLoop();
    });
    return this.running;
  }

  /** Applies everything that is due, one step at a time, until nothing is. */
  private async loop(): Promise<void> {
    while (!this.closed) {
      if (this.options.isBusy?.()) {
        this.deferred = true;
        break;
      }
      const now = Date.now();
      for (const [filePath, entry] of this.unsettled) {
        const folder = this.folders.get(entry.folderId);
        if (entry.recheckAt <= now && folder) {
          entry.recheckAt = Infinity;
          this.markDirty(folder, filePath);
          folder.dueAt = now;
        }
      }
      let worked = false;
      for (const folder of this.folders.values()) {
        if (folder.dueAt !== 0 && folder.dueAt <= now && !this.closed) {
          try {
            await this.applyFolderChanges(folder);
          } catch (error) {
            // Another process writing the library at the same moment, a disk error: tell, and
            // compare the whole folder again a little later rather than stop watching.
            this.emit('problem', { path: folder.path, message: (error as Error).message, cause: error });
            folder.whole = true;
            folder.dueAt = Date.now() + RETRY_MS;
          }
          worked = true;
        }
      }
      // The comparisons queued by start() are done: it can return while analysis goes on.
      if (![...this.folders.values()].some((folder) => folder.whole)) {
        for (const resolve of this.catchUpWaiters.splice(0)) resolve();
      }
      try {
        if (this.removeDue(now)) worked = true;
      } catch (error) {
        this.emit('problem', {
          path: null,
          message: `removing vanished photos: ${(error as Error).message}`,
          cause: error,
        });
      }
      if (this.closed) break;
      if (this.needsIndexing && (await this.indexSlice())) worked = true;
      if (!worked) break;
    }
  }

  private afterLoop(): void {
    for (const resolve of this.catchUpWaiters.splice(0)) resolve();
    if (this.closed) return;
    if (this.deferred) {
      this.deferred = false;
      this.schedule(BUSY_RETRY_MS);
      return;
    }
    const waits = [
      ...[...this.folders.values()].filter((folder) => folder.dueAt !== 0).map((folder) => folder.dueAt),
      ...[...this.removals.values()].map((removal) => removal.dueAt),
      ...[...this.unsettled.values()].map((entry) => entry.recheckAt),
    ].filter((at) => at !== Infinity);
    if (this.needsIndexing || waits.length > 0) {
      this.schedule(this.needsIndexing ? 0 : Math.min(...waits) - Date.now());
      return;
    }
    this.emit('idle');
    clearTimeout(this.poolIdleTimer);
    this.poolIdleTimer = setTimeout(() => {
      const pool = this.pool;
      this.pool = undefined;
      void pool?.close();
    }, this.options.poolIdleMs);
    this.poolIdleTimer.unref();
  }

  private async applyFolderChanges(folder: WatchedFolder): Promise<void> {
    const scopes = folder.whole ? [folder.path] : collapseScopes([...folder.dirty]);
    // A sidecar that appeared or changed brings face regions: its photo is analysed again.
    // (Not on a whole-folder comparison: sidecars of unchanged photos are read when they change.)
    const sidecars = folder.whole ? [] : [...folder.dirty].filter(isSidecarPath);
    const whole = folder.whole;
    folder.dirty.clear();
    folder.whole = false;
    folder.dueAt = 0;
    const known = this.library.foldersNow().find((summary) => summary.id === folder.id);
    if (!known) return; // removed from the library meanwhile
    if (!isFolderOnline(folder.path, known.photos)) {
      await this.goOffline(folder);
      return;
    }
    const now = Date.now();
    const result = await this.library.reconcile(folder, scopes, {
      isSettled: (file) => this.isSettled(file),
      onProblem: (problem) => this.emit('problem', problem),
    });
    const stillUnsettled = new Set(result.unsettled.map((file) => file.path));
    for (const filePath of this.unsettled.keys()) {
      if (!stillUnsettled.has(filePath) && scopes.some((scope) => isInside(filePath, scope)))
        this.unsettled.delete(filePath);
    }
    for (const file of result.unsettled) this.noteUnsettled(folder, file, now);
    for (const { from, to } of result.moved) this.emit('change', { kind: 'moved', from, to });
    for (const { id } of result.added) this.reasons.set(id, 'added');
    for (const { id } of result.changed) this.reasons.set(id, 'changed');
    const requeued = this.library.requeueForSidecars(sidecars);
    for (const { id } of requeued) this.reasons.set(id, 'changed');
    if (result.added.length + result.changed.length + requeued.length > 0) {
      this.needsIndexing = true;
      // New rows may have ids below the slice cursor (a photo queued again): start over.
      this.lastIndexedId = 0;
    }
    for (const { id, path: filePath } of result.missing) {
      if (!this.removals.has(id))
        this.removals.set(id, {
          path: filePath,
          folderId: folder.id,
          dueAt: now + this.options.removalGraceMs,
        });
    }
    if (whole) this.library.markFolderScanned(folder.id);
    if (result.moved.length > 0) this.emit('library-changed', { photos: result.moved.length, newPeople: 0 });
  }

  private isSettled(file: WalkedFile): boolean {
    const now = Date.now();
    if (now - file.mtimeMs >= this.options.settleMs) return true;
    // A clock ahead on a network share: unchanged for a while is settled too.
    const seen = this.unsettled.get(file.path);
    return (
      seen !== undefined &&
      seen.size === file.size &&
      seen.mtimeMs === file.mtimeMs &&
      now - seen.seenAt >= this.options.settleMs
    );
  }

  private noteUnsettled(folder: WatchedFolder, file: WalkedFile, now: number): void {
    const seen = this.unsettled.get(file.path);
    const same = seen && seen.size === file.size && seen.mtimeMs === file.mtimeMs;
    const seenAt = same ? seen.seenAt : now;
    const recheckAt = Math.min(file.mtimeMs, seenAt) + this.options.settleMs;
    this.unsettled.set(file.path, {
      folderId: folder.id,
      size: file.size,
      mtimeMs: file.mtimeMs,
      seenAt,
      recheckAt: Math.max(recheckAt, now + 50),
    });
  }

  private removeDue(now: number): boolean {
    const due: { id: number; path: string }[] = [];
    for (const [id, removal] of this.removals) {
      if (removal.dueAt > now) continue;
      this.removals.delete(id);
      const folder = this.folders.get(removal.folderId);
      // Never while the folder is offline: an unplugged drive's photos stay.
      if (folder?.online && isFolderOnline(folder.path, 1)) due.push({ id, path: removal.path });
    }
    if (due.length === 0) return false;
    const { removed, moved } = this.library.removeGone(due);
    for (const { from, to } of moved) this.emit('change', { kind: 'moved', from, to });
    for (const { path: filePath } of removed) this.emit('change', { kind: 'removed', path: filePath });
    if (removed.length + moved.length > 0) {
      this.emit('library-changed', { photos: removed.length + moved.length, newPeople: 0 });
    }
    return true;
  }

  /** Analyses one slice of pending photos; false when none was left. */
  private async indexSlice(): Promise<boolean> {
    clearTimeout(this.poolIdleTimer);
    const sliceSize = this.options.sliceSize || (this.options.workers ?? 2) * 4;
    let written = 0;
    try {
      const { taken, lastId } = await this.library.indexPendingSlice(
        () => (this.pool ??= this.library.createPool(this.options.workers)),
        this.options.pipeline,
        this.lastIndexedId,
        sliceSize,
        (photos) => {
          written += photos.length;
          for (const photo of photos) this.reportWritten(photo);
        },
      );
      this.lastIndexedId = lastId;
      if (taken > 0) {
        this.indexedSinceGrouping += written;
        if (this.indexedSinceGrouping >= GROUP_EVERY) this.group(written);
        return true;
      }
    } catch (error) {
      // The pool or the writer failed (a full disk): what is left stays pending and is tried
      // again on the next change, or a little later, so the work resumes once there is space.
      this.emit('problem', {
        path: null,
        message: `analysis stopped: ${(error as Error).message}`,
        cause: error,
      });
      const pool = this.pool;
      this.pool = undefined;
      await pool?.close().catch(() => {});
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        this.needsIndexing = true;
        this.kick();
      }, RETRY_MS);
    }
    this.needsIndexing = false;
    this.lastIndexedId = 0;
    if (this.indexedSinceGrouping > 0) this.group(written);
    return false;
  }

  private group(photos: number): void {
    this.indexedSinceGrouping = 0;
    let newPeople = 0;
    try {
      newPeople = this.library.people.group('new').newPeople;
    } catch (error) {
      // The faces are stored; the next grouping (or `kindred cluster`) takes them.
      this.emit('problem', { path: null, message: `grouping new faces: ${(error as Error).message}` });
    }
    this.emit('library-changed', { photos, newPeople });
  }

  private reportWritten(photo: WrittenPhoto): void {
    const reason = this.reasons.get(photo.id) ?? 'added';
    this.reasons.delete(photo.id);
    if (!photo.ok)
      this.emit('change', { kind: 'failed', path: photo.path, error: photo.error ?? 'unknown error' });
    else this.emit('change', { kind: reason, path: photo.path, faces: photo.faces });
  }
}

/** Drops paths inside other paths of the list (walking a folder covers what is under it). */
function collapseScopes(paths: string[]): string[] {
  const kept: string[] = [];
  for (const candidate of [...paths].sort((a, b) => a.length - b.length)) {
    if (!kept.some((scope) => isInside(candidate, scope))) kept.push(candidate);
  }
  return kept;
}
