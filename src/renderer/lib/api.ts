import type { LibraryApi } from '../../common/api';

/** The library API of this window. Throws a readable error where no bridge was exposed. */
export function libraryApi(): LibraryApi {
  const api = window.kindred;
  if (!api) throw new Error('The Kindred library is not connected to this window.');
  return api;
}
