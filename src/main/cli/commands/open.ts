import { explainStorageError } from '../../db/storage-errors';
import { openLibrary } from '../../open-library';
import { resolveLibrary, type LibraryLocation } from '../../library-paths';
import type { LibraryService } from '../../services/library';

/**
 * Opens the library a command was pointed at and closes it when the work is done. A busy, full or
 * read-only library becomes an error that names it and says what to do, never a raw SQLite one.
 */
export async function withLibrary<T>(
  libraryDir: string | undefined,
  work: (library: LibraryService, location: LibraryLocation) => Promise<T>,
): Promise<T> {
  const location = resolveLibrary(libraryDir);
  const library = openLibrary(location);
  try {
    return await work(library, location);
  } catch (error) {
    throw explainStorageError(error, location.dir) ?? error;
  } finally {
    try {
      library.close();
    } catch {
      // closing after a failed write (a full disk) must not hide why it failed
    }
  }
}
