import fs from 'node:fs';
import path from 'node:path';
import type {
  Box,
  FaceQuery,
  FaceSummary,
  FolderSummary,
  LibraryApi,
  PhotoQuery,
  PhotoSummary,
} from '../../common/api';
import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import type { FacesRepository } from '../repositories/faces';
import type { FoldersRepository } from '../repositories/folders';
import type { PeopleRepository } from '../repositories/people';
import type { PhotosRepository } from '../repositories/photos';
import { isSidecarPath, photosOfSidecar } from '../interchange/read-regions';
import { isFolderOnline } from '../scanner/folder-state';
import {
  reconcileFolder,
  removeIfGone,
  type ReconcileOptions,
  type ReconcileResult,
  type RemovalResult,
} from '../scanner/reconcile';
import {
  analysePending,
  scanFolders,
  type AnalysisTally,
  type ScanProgress,
  type ScanSummary,
  type WrittenPhoto,
} from '../scanner/scan';
import type { PipelineOptions } from '../vision/pipeline';
import type { AnalysisPool } from '../vision/pool';
import { UserInputError } from './errors';
import type { VectorIndex } from '../people/vector-index';
import { FaceIndex } from './face-index';
import type { GroupingSummary } from './grouping-runner';
import { PeopleService, type ChangeReport } from './people';
import { writeTransaction } from '../db/write-transaction';

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

  /** The library's folders with their photo counts; `online` is looked up on disk now. */
  async listFolders(): Promise<FolderSummary[]> {
    return this.foldersNow();
  }

  foldersNow(): FolderSummary[] {
    const counts = this.deps.folders.counts();
    return this.deps.folders.all().map((folder) => {
      const { photos, pending, errors } = counts.get(folder.id) ?? { photos: 0, pending: 0, errors: 0 };
      return {
        id: folder.id,
        path: folder.path,
        online: isFolderOnline(folder.path, photos),
        photos,
        pending,
        errors,
        lastScan: folder.lastScanAt,
      };
    });
  }

  /** A folder by id or by its path (the folder need not exist on disk any more). */
  findFolder(reference: string): FolderSummary {
    const all = this.deps.folders.all();
    const folder = /^\d+$/.test(reference)
      ? all.find((candidate) => candidate.id === Number(reference))
      : (all.find((candidate) => candidate.path === path.resolve(reference)) ??
        all.find((candidate) => candidate.path === realPathOrSelf(path.resolve(reference))));
    if (!folder) {
      throw new UserInputError(
        `"${reference}" is not a folder of this library. List them with: kindred folders`,
      );
    }
    return this.foldersNow().find((summary) => summary.id === folder.id)!;
  }

  /**
   * Forgets a folder: its photos, their faces and the decisions on those faces leave the library.
   * Nothing on disk is touched. People left without a face are kept when they carry a name.
   */
  removeFolder(folderId: number): { photos: number; faces: number } {
    const photos = this.deps.db
      .prepare(`SELECT COUNT(*) FROM photos WHERE folder_id = ?`)
      .pluck()
      .get(folderId) as number;
    const faces = this.deps.db
      .prepare(`SELECT COUNT(*) FROM faces WHERE photo_id IN (SELECT id FROM photos WHERE folder_id = ?)`)
      .pluck()
      .get(folderId) as number;
    writeTransaction(this.deps.db, () => {
      this.deps.folders.remove(folderId);
      this.deps.people.deleteAbandoned();
    });
    return { photos, faces };
  }

  /** Compares the rows under `scopes` of a folder with the disk (see reconcileFolder). */
  reconcile(
    folder: { id: number; path: string },
    scopes: readonly string[],
    options?: ReconcileOptions,
  ): Promise<ReconcileResult> {
    return reconcileFolder(this.deps, folder, scopes, options);
  }

  /** Deletes the photos among `candidates` whose file is still gone (see removeIfGone). */
  removeGone(candidates: readonly { id: number; path: string }[]): RemovalResult {
    return removeIfGone(this.deps, candidates);
  }

  /**
   * Analyses up to `limit` pending photos after `afterId` in the pool (made only when there is
   * work); returns how many were taken and the last id.
   * A storm is taken in slices, so that the caller can apply other changes in between.
   */
  async indexPendingSlice(
    pool: () => AnalysisPool,
    pipeline: PipelineOptions,
    afterId: number,
    limit: number,
    onWritten: (written: WrittenPhoto[]) => void,
  ): Promise<{ taken: number; lastId: number }> {
    const queue = this.deps.photos.pendingBatch(afterId, limit);
    const tally: AnalysisTally = {
      indexed: 0,
      failed: 0,
      facesFound: 0,
      stageMs: { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, write: 0 },
    };
    if (queue.length > 0)
      await analysePending({ ...this.deps, pool: pool() }, queue, pipeline, tally, onWritten);
    return { taken: queue.length, lastId: queue.at(-1)?.id ?? afterId };
  }

  /**
   * Photos whose XMP sidecar is among `changedPaths` (it appeared, changed or went) are queued to
   * be analysed again, which applies its face regions (the watcher calls this; a scan does not
   * look at sidecars of unchanged photos). Returns the photos queued.
   */
  requeueForSidecars(changedPaths: readonly string[]): { id: number; path: string }[] {
    const queued = new Map<number, { id: number; path: string }>();
    for (const sidecar of changedPaths) {
      if (!isSidecarPath(sidecar)) continue;
      for (const photoPath of photosOfSidecar(sidecar)) {
        const known = this.deps.photos.knownAt(photoPath);
        if (!known || known.status !== 'indexed' || queued.has(known.id)) continue;
        this.deps.photos.markPending(known.id, known.size, known.mtimeMs);
        queued.set(known.id, { id: known.id, path: known.path });
      }
    }
    return [...queued.values()];
  }

  markFolderScanned(folderId: number): void {
    this.deps.folders.markScanned(folderId, this.deps.clock.now().toISOString());
  }

  /** A vision pool for callers that keep one (the watcher); close it when done. */
  createPool(workers?: number): AnalysisPool {
    return this.deps.createPool(workers);
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
    const faceId = writeTransaction(this.deps.db, () => {
      const id = this.deps.faces.insertManual(photo.id, result.face, now);
      if (person) this.deps.faces.decide(id, person.id, now);
      return id;
    });
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

/** Folders are stored by their real path; a path through a symbolic link finds them too. */
function realPathOrSelf(candidate: string): string {
  try {
    return fs.realpathSync(candidate);
  } catch {
    return candidate;
  }
}
