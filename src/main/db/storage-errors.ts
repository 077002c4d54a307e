import fs from 'node:fs';

/**
 * What SQLite and the file system say when the library's storage fails, turned into errors a user
 * can act on: which library, what happened, what to do. Nothing here is fatal to the data: every
 * write is a transaction, so a failed one leaves the library as it was before it.
 */

/** Another process kept the database locked for longer than the busy timeout. */
export class LibraryBusyError extends Error {
  override name = 'LibraryBusyError';
}

/** The disk is full or the library folder cannot be written. */
export class LibraryStorageError extends Error {
  override name = 'LibraryStorageError';
}

const codeOf = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? '');

function diskIsFull(dir: string): boolean {
  try {
    const stats = fs.statfsSync(dir);
    // Less than 64 KiB left: SQLite cannot grow its write-ahead log by a page or two.
    return stats.bavail * stats.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** A clear error for a storage failure of the library in `libraryDir`, or undefined for any other error. */
export function explainStorageError(error: unknown, libraryDir: string): Error | undefined {
  if (error instanceof LibraryBusyError || error instanceof LibraryStorageError) return error;
  const code = codeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new LibraryBusyError(
      `the library at ${libraryDir} is busy: another Kindred process (the app, kindred serve, scan or ` +
        'watch) kept it locked for too long. Nothing was changed; run the command again in a moment.',
      { cause: error },
    );
  }
  if (
    code === 'SQLITE_FULL' ||
    code === 'ENOSPC' ||
    (code.startsWith('SQLITE_IOERR') && diskIsFull(libraryDir))
  ) {
    return new LibraryStorageError(
      `the disk holding the library ${libraryDir} is full (${code}: ${detail}). Free some space there ` +
        '(or move the library elsewhere with --library DIR) and run the command again: nothing is lost, ' +
        'photos not analysed yet stay pending and the next scan finishes them.',
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new LibraryStorageError(
      `the library ${libraryDir} cannot be written (${code}: ${detail}). Make the folder and its ` +
        'library.db writable by you (or choose another library with --library DIR) and run the command again.',
      { cause: error },
    );
  }
  return undefined;
}
