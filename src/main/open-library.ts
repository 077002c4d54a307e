import fs from 'node:fs';
import { systemClock, type Clock } from './clock';
import { openDatabase } from './db/open';
import { explainStorageError } from './db/storage-errors';
import type { LibraryLocation } from './library-paths';
import { FacesRepository } from './repositories/faces';
import { FoldersRepository } from './repositories/folders';
import { PeopleRepository } from './repositories/people';
import { PhotosRepository } from './repositories/photos';
import { LibraryService } from './services/library';
import { createAnalysisPool, type AnalysisPool } from './vision/pool';

export class LibraryOpenError extends Error {
  override name = 'LibraryOpenError';
}

/**
 * Composition root for a library on disk: creates its folder, opens and migrates the database
 * and wires the service. Used by the CLI, browser mode and the Electron main process alike.
 */
export interface OpenLibraryOptions {
  clock?: Clock;
  /** The vision pool to scan with; tests pass one that fails on purpose. */
  createPool?: (workers?: number) => AnalysisPool;
}

export function openLibrary(location: LibraryLocation, options: OpenLibraryOptions = {}): LibraryService {
  try {
    fs.mkdirSync(location.cacheDir, { recursive: true });
    fs.accessSync(location.dir, fs.constants.W_OK);
  } catch (error) {
    throw new LibraryOpenError(
      `Cannot use ${location.dir} as the library folder (${(error as NodeJS.ErrnoException).code ?? error}). ` +
        'Choose a writable folder with --library DIR or the KINDRED_LIBRARY environment variable.',
    );
  }
  let db;
  try {
    db = openDatabase(location.databaseFile);
  } catch (error) {
    const explained = explainStorageError(error, location.dir);
    if (explained) throw explained;
    throw new LibraryOpenError(
      `Cannot open the library database ${location.databaseFile}: ${(error as Error).message}. ` +
        'Check that the file is writable and is a Kindred library, or choose another with --library DIR.',
    );
  }
  return new LibraryService({
    db,
    folders: new FoldersRepository(db),
    photos: new PhotosRepository(db),
    faces: new FacesRepository(db),
    people: new PeopleRepository(db),
    clock: options.clock ?? systemClock,
    createPool:
      options.createPool ?? ((workers) => createAnalysisPool({ workers, previewsDir: location.cacheDir })),
    cacheDir: location.cacheDir,
  });
}
