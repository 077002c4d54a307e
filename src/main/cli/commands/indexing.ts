import { describeHolder, IndexingLock } from '../../library-lock/indexing-lock';
import { LibraryBusyError } from '../../db/storage-errors';

/**
 * Runs `work` holding the library's indexing lock (see library-lock/indexing-lock.ts). When another
 * indexer holds it, says so on stderr and waits for it, or with --no-wait exits at once with the
 * "library busy" exit code. A lock left by a killed process is taken over.
 */
export async function withIndexingLock<T>(
  libraryDir: string,
  command: string,
  options: { wait?: boolean },
  work: () => Promise<T>,
): Promise<T> {
  const lock = new IndexingLock(libraryDir, command);
  const first = lock.tryAcquire();
  if (!first.ok) {
    const who = describeHolder(first.holder);
    if (options.wait === false) {
      throw new LibraryBusyError(
        `the library at ${libraryDir} is being indexed by ${who}. Run this again when it is done ` +
          '(or without --no-wait to wait for it).',
      );
    }
    process.stderr.write(
      `kindred: the library at ${libraryDir} is being indexed by ${who}; waiting for it to finish ` +
        '(Ctrl+C to stop, --no-wait to exit instead)…\n',
    );
    const interrupted = new AbortController();
    const stop = () => interrupted.abort(new LibraryBusyError('stopped while waiting for the library.'));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await lock.acquire({ signal: interrupted.signal });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    process.stderr.write(`kindred: the library is free now; going on.\n`);
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}
