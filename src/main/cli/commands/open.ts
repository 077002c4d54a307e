import { openLibrary } from '../../open-library';
import { resolveLibrary } from '../../library-paths';
import type { LibraryService } from '../../services/library';

/** Opens the library a command was pointed at and closes it when the work is done. */
export async function withLibrary<T>(
  libraryDir: string | undefined,
  work: (library: LibraryService) => Promise<T>,
): Promise<T> {
  const library = openLibrary(resolveLibrary(libraryDir));
  try {
    return await work(library);
  } finally {
    library.close();
  }
}
