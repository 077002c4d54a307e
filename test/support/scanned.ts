import { resolveLibrary } from '../../src/main/library-paths';
import { ViewsRepository } from '../../src/main/repositories/views';
import { AppApi } from '../../src/main/services/app-api';
import type { LibraryService } from '../../src/main/services/library';
import { MediaService } from '../../src/main/services/media';
import { DEFAULT_PIPELINE } from '../../src/main/vision/pipeline';
import { createTestLibrary, fixedClock, type TestLibrary } from './library';

export interface ScannedLibrary {
  lib: TestLibrary;
  library: LibraryService;
  api: AppApi;
  media: MediaService;
  cacheDir: string;
}

/** A test library with `photos` (fixture paths) scanned by the real models, and the app's API over it. */
export async function scannedLibrary(photos: readonly string[]): Promise<ScannedLibrary> {
  const lib = createTestLibrary();
  lib.addPhotos(photos);
  const library = lib.open({ clock: fixedClock() });
  await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
  const { cacheDir } = resolveLibrary(lib.dir);
  const media = new MediaService(new ViewsRepository(library.deps.db), cacheDir);
  return { lib, library, api: new AppApi(library), media, cacheDir };
}
