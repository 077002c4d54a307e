import path from 'node:path';
import type { Box, FaceQuery, FaceSummary, LibraryApi, PhotoQuery, PhotoSummary } from '../../common/api';
import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import type { FacesRepository } from '../repositories/faces';
import type { FoldersRepository } from '../repositories/folders';
import type { PeopleRepository } from '../repositories/people';
import type { PhotosRepository } from '../repositories/photos';
import { scanFolders, type ScanProgress, type ScanSummary } from '../scanner/scan';
import type { PipelineOptions } from '../vision/pipeline';
import type { AnalysisPool } from '../vision/pool';
import { UserInputError } from './errors';
import type { VectorIndex } from '../people/vector-index';
import { FaceIndex } from './face-index';
import type { GroupingSummary } from './grouping-runner';
import { PeopleService, type ChangeReport } from './people';

export interface LibraryServiceDependencies {
  db: LibraryDatabase;
  folders: FoldersRepository;
  photos: PhotosRepository;
  faces: FacesRepository;
  people: PeopleRepository;
  clock: Clock;
  createPool: (workers?: number) => AnalysisPool;
  /** The library's cache folder (the saved face index lives there). */
  cacheDir: string;
}

export interface ScanOptions {
  workers?: number;
  pipeline: PipelineOptions;
  onProgress?: (progress: ScanProgress) => void;
}

export type ScanReport = ScanSummary & { grouping: GroupingSummary };

/** The library's use cases; the CLI, IPC and HTTP layers are thin shells around it. */
export class LibraryService implements Pick<LibraryApi, 'listPhotos' | 'listFaces'> {
  readonly people: PeopleService;
  private faceIndex: FaceIndex | undefined;

  constructor(readonly deps: LibraryServiceDependencies) {
    this.people = new PeopleService({ ...deps, withFaceIndex: (work) => this.withFaceIndex(work) });
  }

  /**
   * Grouping needs the neighbour index: loaded once per process (from the saved cache, or built
   * from SQLite), brought up to date before each use, saved after.
   */
  private withFaceIndex<T>(work: (index: VectorIndex) => T): T {
    this.faceIndex ??= FaceIndex.open(this.deps.db, this.deps.faces, this.deps.cacheDir);
    this.faceIndex.refresh();
    const result = work(this.faceIndex.index);
    this.faceIndex.persist();
    return result;
  }

  /** Indexes the folders, then groups the new faces into people. */
  async scan(folderPaths: readonly string[], options: ScanOptions): Promise<ScanReport> {
    const pool = this.deps.createPool(options.workers);
    let summary: ScanSummary;
    try {
      summary = await scanFolders({ ...this.deps, pool }, folderPaths, options.pipeline, options.onProgress);
    } finally {
      await pool.close();
    }
    return { ...summary, grouping: this.people.group('new') };
  }

  async listPhotos(query: PhotoQuery = {}): Promise<PhotoSummary[]> {
    return this.deps.photos.list(query);
  }

  async listFaces(query: FaceQuery = {}): Promise<FaceSummary[]> {
    return this.deps.faces.list(query);
  }

  /** A face the detector missed, drawn by the user: embedded like any other, then grouped or assigned. */
  async addFace(
    photoReference: string,
    box: Box,
    personReference?: string,
  ): Promise<ChangeReport & { faceId: number }> {
    const photo = /^\d+$/.test(photoReference)
      ? this.deps.photos.find(Number(photoReference))
      : this.deps.photos.find(path.resolve(photoReference));
    if (!photo) {
      throw new UserInputError(
        `No photo "${photoReference}" in the library. List photos with: kindred photos`,
      );
    }
    const person = personReference === undefined ? undefined : this.people.resolvePerson(personReference);
    const pool = this.deps.createPool(1);
    let result;
    try {
      result = await pool.embedBox({ path: photo.path, box });
    } finally {
      await pool.close();
    }
    if (!result.ok) throw new UserInputError(`Cannot add a face to ${photo.path}: ${result.error}`);
    const now = this.deps.clock.now().toISOString();
    const faceId = this.deps.db.transaction(() => {
      const id = this.deps.faces.insertManual(photo.id, result.face, now);
      if (person) this.deps.faces.decide(id, person.id, now);
      return id;
    })();
    if (!person) this.people.group('new');
    const assigned = this.deps.faces.get(faceId)!;
    const owner = assigned.personId === null ? undefined : this.deps.people.get(assigned.personId);
    const who = owner ? ` as ${owner.name ? `"${owner.name}"` : `person #${owner.id}`}` : ' (no person yet)';
    return { faceId, message: `Added face ${faceId} to ${photo.path}${who}.` };
  }

  close(): void {
    this.deps.db.close();
  }
}
