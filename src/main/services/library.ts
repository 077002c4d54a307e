import type { FaceQuery, FaceSummary, LibraryApi, PhotoQuery, PhotoSummary } from '../../common/api';
import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import type { FacesRepository } from '../repositories/faces';
import type { FoldersRepository } from '../repositories/folders';
import type { PhotosRepository } from '../repositories/photos';
import { scanFolders, type ScanProgress, type ScanSummary } from '../scanner/scan';
import type { PipelineOptions } from '../vision/pipeline';
import type { AnalysisPool } from '../vision/pool';

export interface LibraryServiceDependencies {
  db: LibraryDatabase;
  folders: FoldersRepository;
  photos: PhotosRepository;
  faces: FacesRepository;
  clock: Clock;
  createPool: (workers?: number) => AnalysisPool;
}

export interface ScanOptions {
  workers?: number;
  pipeline: PipelineOptions;
  onProgress?: (progress: ScanProgress) => void;
}

/** The library's use cases; the CLI, IPC and HTTP layers are thin shells around it. */
export class LibraryService implements LibraryApi {
  constructor(private readonly deps: LibraryServiceDependencies) {}

  async scan(folderPaths: readonly string[], options: ScanOptions): Promise<ScanSummary> {
    const pool = this.deps.createPool(options.workers);
    try {
      return await scanFolders({ ...this.deps, pool }, folderPaths, options.pipeline, options.onProgress);
    } finally {
      await pool.close();
    }
  }

  async listPhotos(query: PhotoQuery = {}): Promise<PhotoSummary[]> {
    return this.deps.photos.list(query.status);
  }

  async listFaces(query: FaceQuery = {}): Promise<FaceSummary[]> {
    return this.deps.faces.list({ withEmbeddings: query.withEmbeddings });
  }

  close(): void {
    this.deps.db.close();
  }
}
