import path from 'node:path';
import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import type { FacesRepository } from '../repositories/faces';
import type { FoldersRepository } from '../repositories/folders';
import type { PhotosRepository } from '../repositories/photos';
import type { AnalysisPool } from '../vision/pool';
import type { PipelineOptions, StageTimings } from '../vision/pipeline';
import type { AnalyseResult } from '../vision/task';
import { walkPhotos, type WalkProblem } from './walk';

export interface ScanProgress {
  done: number;
  total: number;
  failed: number;
  /** Milliseconds since the analysis started. */
  elapsedMs: number;
}

export interface ScanSummary {
  /** Photos analysed successfully in this scan. */
  indexed: number;
  /** Photos that could not be read (recorded with status `error`). */
  failed: number;
  /** Files unchanged since the last scan: no work done. */
  unchanged: number;
  /** Library rows dropped because their file is gone. */
  removed: number;
  /** Files seen on disk in the scanned folders. */
  seen: number;
  facesFound: number;
  elapsedMs: number;
  /** Summed over all photos (each worker's own time) plus the writer's. */
  stageMs: StageTimings & { write: number };
  problems: WalkProblem[];
}

export interface ScanDependencies {
  db: LibraryDatabase;
  folders: FoldersRepository;
  photos: PhotosRepository;
  faces: FacesRepository;
  pool: AnalysisPool;
  clock: Clock;
}

/** How many results the writer gathers before one transaction, and how long it lets them wait. */
const WRITE_BATCH = 32;
const WRITE_INTERVAL_MS = 250;

/**
 * Brings the library in step with `folderPaths` (absolute, existing folders), then analyses
 * every pending photo, including ones left pending by an interrupted earlier scan.
 * A photo stays `pending` until its result and its faces are written in one transaction, so a
 * crash at any point leaves a consistent library that the next scan completes.
 */
export async function scanFolders(
  deps: ScanDependencies,
  folderPaths: readonly string[],
  pipeline: PipelineOptions,
  onProgress: (progress: ScanProgress) => void = () => {},
): Promise<ScanSummary> {
  const { db, photos, pool, clock } = deps;
  const started = performance.now();
  const summary: ScanSummary = {
    indexed: 0,
    failed: 0,
    unchanged: 0,
    removed: 0,
    seen: 0,
    facesFound: 0,
    elapsedMs: 0,
    stageMs: { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, write: 0 },
    problems: [],
  };

  const folderIds: number[] = [];
  for (const folderPath of folderPaths) {
    const folderId = registerFolder(deps, folderPath);
    folderIds.push(folderId);
    const onDisk = await walkPhotos(folderPath, (problem) => summary.problems.push(problem));
    summary.seen += onDisk.length;
    db.transaction(() => {
      // Only rows under the walked path: a sub-folder of a library folder is scanned on its own.
      const known = new Map(
        photos
          .knownInFolder(folderId)
          .filter((row) => isInside(row.path, folderPath))
          .map((row) => [row.path, row]),
      );
      for (const file of onDisk) {
        const row = known.get(file.path);
        known.delete(file.path);
        if (!row) photos.insertPending(folderId, file.path, file.size, file.mtimeMs);
        else if (row.size !== file.size || row.mtimeMs !== file.mtimeMs)
          photos.markPending(row.id, file.size, file.mtimeMs);
        else if (row.status !== 'pending') summary.unchanged++;
      }
      for (const gone of known.values()) {
        photos.delete(gone.id);
        summary.removed++;
      }
    })();
  }

  const queue = photos.pending();
  const total = queue.length;
  const analysisStarted = performance.now();
  const report = () =>
    onProgress({
      done: summary.indexed + summary.failed,
      total,
      failed: summary.failed,
      elapsedMs: performance.now() - analysisStarted,
    });
  report();

  const writer = new BatchWriter(deps, summary, report);
  // Enough tasks in flight to keep every worker busy, few enough that results never pile up.
  const inFlight = pool.workers * 2;
  let next = 0;
  // The first failure of the pool itself (not of a photo: those come back as results) stops
  // every lane; what was analysed so far is still written, the rest stays pending.
  let failure: { error: unknown } | undefined;
  const runLane = async () => {
    while (!failure && next < queue.length) {
      const photo = queue[next++];
      try {
        writer.add(photo.id, await pool.analyse({ path: photo.path, options: pipeline }));
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, queue.length) }, runLane));
  writer.flush();
  if (failure) throw failure.error;

  const now = clock.now().toISOString();
  for (const folderId of folderIds) deps.folders.markScanned(folderId, now);
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/**
 * A folder inside one the library already has is scanned as part of that one; a folder that
 * contains library folders takes their photos over. Either way a photo belongs to one folder.
 */
function registerFolder(deps: ScanDependencies, folderPath: string): number {
  const now = deps.clock.now().toISOString();
  const existing = deps.folders.all();
  const parent = existing.find((folder) => isInside(folderPath, folder.path));
  if (parent) return parent.id;
  return deps.db.transaction(() => {
    const folder = deps.folders.ensure(folderPath, now);
    for (const child of existing.filter(
      (other) => other.id !== folder.id && isInside(other.path, folderPath),
    )) {
      deps.folders.absorb(child.id, folder.id);
    }
    return folder.id;
  })();
}

function isInside(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The single writer: gathers results and stores each batch in one transaction. */
class BatchWriter {
  private pending: { photoId: number; result: AnalyseResult }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ScanDependencies,
    private readonly summary: ScanSummary,
    private readonly onWritten: () => void,
  ) {}

  add(photoId: number, result: AnalyseResult): void {
    this.pending.push({ photoId, result });
    if (this.pending.length >= WRITE_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), WRITE_INTERVAL_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const started = performance.now();
    const now = this.deps.clock.now().toISOString();
    this.deps.db.transaction(() => {
      for (const { photoId, result } of batch) {
        if (result.ok) {
          this.deps.photos.storeAnalysis(
            photoId,
            {
              size: result.file.size,
              mtimeMs: result.file.mtimeMs,
              contentHash: result.file.contentHash,
              width: result.width,
              height: result.height,
              takenAt: result.takenAt,
              camera: result.camera,
              warning: result.warning,
            },
            now,
          );
          this.deps.faces.replaceForPhoto(photoId, result.faces, now);
        } else {
          this.deps.photos.storeFailure(photoId, result.error, now, result.file ?? undefined);
          this.deps.faces.replaceForPhoto(photoId, [], now);
        }
      }
    })();
    for (const { result } of batch) {
      if (result.ok) {
        this.summary.indexed++;
        this.summary.facesFound += result.faces.length;
        for (const stage of Object.keys(result.timings) as (keyof StageTimings)[]) {
          this.summary.stageMs[stage] += result.timings[stage];
        }
      } else {
        this.summary.failed++;
      }
    }
    this.summary.stageMs.write += performance.now() - started;
    this.onWritten();
  }
}
