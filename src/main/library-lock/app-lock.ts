import { describeHolder, IndexingLock } from './indexing-lock';

/**
 * The app and `kindred serve` index for as long as they run (their watcher, the scans the user
 * starts): they take the indexing lock when they first need it (at start when they watch), in the
 * background, so the window opens and every query works while a `kindred scan` finishes; indexing
 * starts once the lock is theirs, and they keep it until they close.
 */
export interface HeldIndexingLock {
  /** Resolves once this process holds the lock; never rejects (it waits as long as it takes). */
  ready(): Promise<void>;
  release(): void;
}

export function holdIndexingLock(
  libraryDir: string,
  command: string,
  log: (line: string) => void,
): HeldIndexingLock {
  const lock = new IndexingLock(libraryDir, command);
  const stopped = new AbortController();
  let acquired: Promise<void> | undefined;
  const start = () =>
    lock
      .acquire({
        intervalMs: 2000,
        signal: stopped.signal,
        onWait: (holder) =>
          log(
            `kindred: the library at ${libraryDir} is being indexed by ${describeHolder(holder)}; ` +
              'folders are watched and scans run once it is done.',
          ),
      })
      .catch((error: unknown) => {
        if (!stopped.signal.aborted) log(`kindred: cannot take the indexing lock: ${String(error)}`);
        // Never settles: whoever waits for the lock must not index without it.
        return new Promise<void>(() => {});
      });
  return {
    ready: () => (acquired ??= start()),
    release: () => {
      stopped.abort();
      lock.release();
    },
  };
}
