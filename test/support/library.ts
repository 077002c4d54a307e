import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../src/main/clock';
import { openLibrary, type OpenLibraryOptions } from '../../src/main/open-library';
import { resolveLibrary } from '../../src/main/library-paths';
import type { LibraryService } from '../../src/main/services/library';
import { fixture, tempDir } from './fixtures';

/** A clock that only moves when told: stored timestamps become predictable. */
export function fixedClock(start = '2026-01-01T00:00:00.000Z'): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

export interface TestLibrary {
  dir: string;
  photosDir: string;
  open(options?: OpenLibraryOptions): LibraryService;
  /** Copies fixture files (paths relative to the fixtures folder) into the photo folder. */
  addPhotos(relatives: readonly string[], into?: string): string[];
  cleanup(): void;
}

/** A temporary library folder and a temporary photo folder, filled from the shared fixtures. */
export function createTestLibrary(): TestLibrary {
  const temp = tempDir();
  const photosDir = path.join(temp.dir, 'photos');
  fs.mkdirSync(photosDir);
  const libraryDir = path.join(temp.dir, 'library');
  const opened: LibraryService[] = [];
  return {
    dir: libraryDir,
    photosDir,
    open: (options) => {
      const library = openLibrary(resolveLibrary(libraryDir), options);
      opened.push(library);
      return library;
    },
    addPhotos: (relatives, into = photosDir) =>
      relatives.map((relative) => {
        const target = path.join(into, path.basename(relative));
        fs.mkdirSync(into, { recursive: true });
        fs.copyFileSync(fixture(relative), target);
        return target;
      }),
    cleanup: () => {
      for (const library of opened) {
        try {
          library.close();
        } catch {
          // already closed by the test
        }
      }
      temp.cleanup();
    },
  };
}
