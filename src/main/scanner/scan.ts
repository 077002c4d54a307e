import type { Clock } from '../clock';
import type { LibraryDatabase } from '../db/open';
import type { FacesRepository } from '../repositories/faces';
import { applyRegions } from '../interchange/apply-regions';
import type { FolderRow, FoldersRepository } from '../repositories/folders';
import type { PeopleRepository } from '../repositories/people';
import type { PendingPhoto, PhotosRepository } from '../repositories/photos';
import type { AnalysisPool } from '../vision/pool';
import type { PipelineOptions, StageTimings } from '../vision/pipeline';
import type { AnalyseResult } from '../vision/task';
import { isFolderOnline } from './folder-state';
import { isInside, reconcileFolder, removeIfGone } from './reconcile';
import type { WalkProblem } from './walk';
import { writeTransaction } from '../db/write-transaction';

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
  /** Known photos found at a new path and re-pointed, keeping their faces and people. */
  moved: number;
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
  /** Names read from photos' XMP face regions become people (see interchange/apply-regions). */
  people: PeopleRepository;
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
    moved: 0,
    seen: 0,
    facesFound: 0,
    elapsedMs: 0,
    stageMs: { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, write: 0 },
    problems: [],
  };

  const folderIds: number[] = [];
  const missing: { id: number; path: string }[] = [];
  for (const folderPath of folderPaths) {
    const folder = registerFolder(deps, folderPath);
    folderIds.push(folder.id);
    // Only rows under the walked path: a sub-folder of a library folder is scanned on its own.
    const changes = await reconcileFolder(deps, folder, [folderPath], {
      onProblem: (problem) => summary.problems.push(problem),
    });
    summary.seen += changes.seen;
    summary.unchanged += changes.unchanged;
    summary.moved += changes.moved.length;
    if (isFolderOnline(folder.path, changes.missing.length)) missing.push(...changes.missing);
  }
  // After every folder is walked, so that a photo moved from one folder to another is re-pointed
  // (keeping its faces) before the place it left is cleaned up.
  const removal = removeIfGone(deps, missing);
  summary.removed = removal.removed.length;
  summary.moved += removal.moved.length;

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
  await analysePending(
    { db, photos: deps.photos, faces: deps.faces, people: deps.people, pool, clock },
    queue,
    pipeline,
    summary,
    report,
  );

  const now = clock.now().toISOString();
  for (const folderId of folderIds) deps.folders.markScanned(folderId, now);
  summary.elapsedMs = performance.now() - started;
  return summary;
}

export type AnalysisTally = Pick<ScanSummary, 'indexed' | 'failed' | 'facesFound' | 'stageMs'>;

/** What the writer stored for one photo. */
export interface WrittenPhoto {
  id: number;
  path: string;
  ok: boolean;
  faces: number;
  error: string | null;
}

/**
 * Analyses `queue` in the pool and stores each result through the single writer, adding to
 * `tally`. A failure of the pool itself (not of a photo: those come back as results) stops the
 * work and is thrown after what was analysed so far is written; the rest stays pending.
 */
export async function analysePending(
  deps: Omit<ScanDependencies, 'folders'>,
  queue: readonly PendingPhoto[],
  pipeline: PipelineOptions,
  tally: AnalysisTally,
  onWritten: (written: WrittenPhoto[]) => void = () => {},
): Promise<void> {
  const { pool } = deps;
  const writer = new BatchWriter(deps, tally, onWritten);
  // Enough tasks in flight to keep every slot of the pool busy, few enough that results never pile up.
  const inFlight = pool.slots * 2;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runLane = async () => {
    while (!failure && next < queue.length) {
      const photo = queue[next++];
      try {
        writer.add(photo, await pool.analyse({ path: photo.path, options: pipeline }));
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, queue.length) }, runLane));
  writer.flush();
  if (failure) throw failure.error;
}

/**
 * A folder inside one the library already has is scanned as part of that one; a folder that
 * contains library folders takes their photos over. Either way a photo belongs to one folder.
 */
export function registerFolder(
  deps: ScanDependencies | Omit<ScanDependencies, 'pool'>,
  folderPath: string,
): FolderRow {
  const now = deps.clock.now().toISOString();
  const existing = deps.folders.all();
  const parent = existing.find((folder) => isInside(folderPath, folder.path));
  if (parent) return parent;
  return writeTransaction(deps.db, () => {
    const folder = deps.folders.ensure(folderPath, now);
    for (const child of existing.filter(
      (other) => other.id !== folder.id && isInside(other.path, folderPath),
    )) {
      deps.folders.absorb(child.id, folder.id);
    }
    return folder;
  });
}

/** The single writer: gathers results and stores each batch in one transaction. */
class BatchWriter {
  private pending: { photo: PendingPhoto; result: AnalyseResult }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: Omit<ScanDependencies, 'folders'>,
    private readonly summary: AnalysisTally,
    private readonly onWritten: (written: WrittenPhoto[]) => void,
  ) {}

  /**
   * A write that failed from the timer (a full disk, a database locked for too long): nobody is
   * there to catch it, so it is kept and thrown to the next caller, and the scan stops cleanly
   * instead of the process dying on an uncaught exception. The batch's photos stay pending.
   */
  private failure: { error: unknown } | undefined;

  add(photo: PendingPhoto, result: AnalyseResult): void {
    if (this.failure) throw this.failure.error;
    this.pending.push({ photo, result });
    if (this.pending.length >= WRITE_BATCH) this.flush();
    else
      this.timer ??= setTimeout(() => {
        try {
          this.flush();
        } catch (error) {
          this.failure ??= { error };
        }
      }, WRITE_INTERVAL_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.failure) throw this.failure.error;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const started = performance.now();
    const now = this.deps.clock.now().toISOString();
    writeTransaction(this.deps.db, () => {
      for (const {
        photo: { id: photoId },
        result,
      } of batch) {
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
          // After the faces, so that regions match them as stored (decisions carried over included).
          applyRegions(this.deps, photoId, result.regions, now);
        } else {
          this.deps.photos.storeFailure(photoId, result.error, now, result.file ?? undefined);
          this.deps.faces.replaceForPhoto(photoId, [], now);
        }
      }
    });
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
    this.onWritten(
      batch.map(({ photo, result }) => ({
        id: photo.id,
        path: photo.path,
        ok: result.ok,
        faces: result.ok ? result.faces.length : 0,
        error: result.ok ? null : result.error,
      })),
    );
  }
}
