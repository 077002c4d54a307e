import type { AppApi } from '../services/app-api';
import type { LibraryService } from '../services/library';
import { LibraryWatcher } from './library-watcher';

/**
 * While the app runs (the Electron window or `kindred serve`), its library follows its folders:
 * the watcher of `kindred watch`, standing aside while a scan the user asked for runs, and every
 * change it applies reaches the open views as 'library-changed'.
 */
export function startAppWatcher(
  library: LibraryService,
  api: AppApi,
  log: (line: string) => void,
  /** Resolves once this process holds the library's indexing lock (see library-lock/app-lock.ts). */
  ready: Promise<void> = Promise.resolve(),
): LibraryWatcher {
  const watcher = new LibraryWatcher(library, { isBusy: () => api.isScanning() });
  watcher.on('library-changed', () => api.notifyLibraryChanged());
  watcher.on('problem', ({ path, message }) => log(`kindred: watching ${path ?? 'the library'}: ${message}`));
  ready
    .then(() => watcher.start())
    .catch((error: unknown) =>
      log(
        `kindred: the folder watcher could not start: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  return watcher;
}
