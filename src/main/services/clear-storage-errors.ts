import { LIBRARY_API_METHODS, type LibraryApi } from '../../common/api';
import { explainStorageError } from '../db/storage-errors';

const API_METHODS: ReadonlySet<PropertyKey> = new Set(LIBRARY_API_METHODS);

/**
 * The app's API as its users should see it fail: a busy, full or read-only library becomes the
 * same clear message the CLI gives (which library, what happened, what to do) instead of
 * SQLite's own words, whichever door (IPC, HTTP) the call came through. Everything else about
 * `api` (its events, the watcher's hooks) is passed through untouched.
 */
export function withClearStorageErrors<Api extends LibraryApi>(api: Api, libraryDir: string): Api {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (!API_METHODS.has(property) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...args: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          throw explainStorageError(error, libraryDir) ?? error;
        }
      };
    },
  });
}
