import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Box,
  ChangeResult,
  ExportRequest,
  ExportResult,
  FaceQuery,
  FaceSummary,
  FolderError,
  FolderSummary,
  GridPhoto,
  IdentifyRequest,
  IdentifyResult,
  LibraryApi,
  LibraryEvent,
  PersonFace,
  PersonSummary,
  PhotoDetail,
  PhotoFilter,
  PhotoPageQuery,
  PhotoQuery,
  PhotoSummary,
  ReviewGroup,
  ScanState,
  SidecarsResult,
  TimelineMonth,
} from '../../common/api';
import { prepareOutputFolder } from '../export/output-folder';
import { resolveLibrary } from '../library-paths';
import { openLibrary } from '../open-library';
import { ViewsRepository } from '../repositories/views';
import { isFolderOnline } from '../scanner/folder-state';
import { DEFAULT_PIPELINE } from '../vision/pipeline';
import { UserInputError } from './errors';
import { ExportService } from './export';
import { identify, RESULTS_CSV, UNKNOWN_NAME } from './identify';
import type { LibraryService } from './library';
import { ScanJobs } from './scan-jobs';
import { writeSidecars } from './sidecars';
import { plural } from '../../common/plural';

export type EventListener = (event: LibraryEvent) => void;

/**
 * The app's LibraryApi over the library's services: what IPC and browser mode both serve.
 * Arguments arrive validated (see api-schemas.ts); this class checks what only the library knows
 * (does that person exist, is that folder real) and reports it as a UserInputError.
 */
export class AppApi implements LibraryApi {
  private readonly views: ViewsRepository;
  private readonly listeners = new Set<EventListener>();
  private readonly scans: ScanJobs;
  /** An identify is running: one at a time, as each takes every core while it indexes. */
  private identifying = false;

  constructor(
    readonly library: LibraryService,
    /** Resolves once this process may index the library (holds its indexing lock). */
    indexingAllowed: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.views = new ViewsRepository(library.deps.db);
    this.scans = new ScanJobs({
      scan: async (folders, onProgress) => {
        await indexingAllowed();
        await library.scan(folders, { pipeline: DEFAULT_PIPELINE, onProgress });
      },
      onState: (scan) => this.emit({ type: 'scan-progress', scan }),
      onWritten: () => this.emit({ type: 'library-changed' }),
    });
  }

  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: LibraryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.warn('kindred: an event listener failed:', error);
      }
    }
  }

  /** Runs a correction and tells every window the library changed. */
  private change<T extends ChangeResult>(work: () => T): T {
    const result = work();
    this.emit({ type: 'library-changed' });
    return result;
  }

  private get people() {
    return this.library.people;
  }

  async listPhotos(query: PhotoQuery = {}): Promise<PhotoSummary[]> {
    return this.library.listPhotos(query);
  }

  async listFaces(query: FaceQuery = {}): Promise<FaceSummary[]> {
    return this.library.listFaces(query);
  }

  async listPeople(options: { includeHidden?: boolean } = {}): Promise<PersonSummary[]> {
    return this.people.list(options.includeHidden ?? false);
  }

  async getPerson({ personId }: { personId: number }): Promise<PersonSummary> {
    const person = this.library.deps.people.summary(personId);
    if (!person) throw new UserInputError(`No person #${personId} in the library (merged or removed?).`);
    return person;
  }

  async personFaces(options: { personId: number; offset?: number; limit?: number }): Promise<PersonFace[]> {
    return this.views.personFaces(options.personId, options.offset ?? 0, options.limit ?? 200);
  }

  async timeline(filter: PhotoFilter = {}): Promise<TimelineMonth[]> {
    return this.views.timeline(filter);
  }

  async photoPage(query: PhotoPageQuery): Promise<GridPhoto[]> {
    return this.views.photoPage(query, query.offset, query.limit);
  }

  async getPhoto({ photoId }: { photoId: number }): Promise<PhotoDetail> {
    const photo = this.views.photo(photoId);
    if (!photo) throw new UserInputError(`No photo #${photoId} in the library.`);
    return {
      ...photo,
      fileName: path.basename(photo.path),
      // The library knows at least this photo there, so an empty root counts as unmounted.
      offline: !isFolderOnline(photo.folder, 1),
      faces: this.views.photoFaces(photoId),
    };
  }

  /**
   * The suggestions to review, by person. A hidden person's are left out: hiding someone (a
   * stranger in the background, a person the user no longer wants to see) must not keep asking
   * "is this them?" in Review and in its count. Their suggestions stay in the library, and come
   * back if the person is shown again.
   */
  async reviewGroups(): Promise<ReviewGroup[]> {
    const people = new Map(this.people.list(false).map((person) => [person.id, person]));
    const groups = new Map<number, ReviewGroup>();
    for (const { personId, ...face } of this.views.suggestions()) {
      const person = people.get(personId);
      if (!person) continue;
      let group = groups.get(personId);
      if (!group) groups.set(personId, (group = { person, faces: [] }));
      group.faces.push(face);
    }
    return [...groups.values()].sort((a, b) => (a.person.name ?? '').localeCompare(b.person.name ?? ''));
  }

  async namePerson(options: { personId: number; name: string; merge?: boolean }): Promise<ChangeResult> {
    return this.change(() =>
      this.people.name(String(options.personId), options.name, { merge: options.merge ?? false }),
    );
  }

  async mergePeople({ personIds, intoId }: { personIds: number[]; intoId: number }): Promise<ChangeResult> {
    return this.change(() => this.people.merge(personIds.map(String), String(intoId)));
  }

  async moveFaces(options: {
    faceIds: number[];
    personId?: number;
    newPersonName?: string;
  }): Promise<ChangeResult> {
    const to = options.personId !== undefined ? String(options.personId) : options.newPersonName;
    if (to === undefined) throw new UserInputError('Say where the faces go: a person, or a new name.');
    if (options.newPersonName !== undefined && /^\d+$/.test(options.newPersonName.trim())) {
      throw new UserInputError(`"${options.newPersonName}" looks like an id; give a name with a letter.`);
    }
    return this.change(() => this.people.move(options.faceIds.map(String), to));
  }

  async unassignFaces({ faceIds }: { faceIds: number[] }): Promise<ChangeResult> {
    return this.change(() => this.people.unassign(faceIds.map(String)));
  }

  async rejectFaces(options: { faceIds: number[]; personId?: number }): Promise<ChangeResult> {
    const from = options.personId === undefined ? undefined : String(options.personId);
    return this.change(() => this.people.reject(options.faceIds.map(String), from));
  }

  async deleteFace({ faceId }: { faceId: number }): Promise<ChangeResult> {
    return this.change(() => this.people.deleteFace(String(faceId)));
  }

  async setHidden({ personId, hidden }: { personId: number; hidden: boolean }): Promise<ChangeResult> {
    return this.change(() => this.people.setHidden(String(personId), hidden));
  }

  async setCover({ personId, faceId }: { personId: number; faceId: number }): Promise<ChangeResult> {
    return this.change(() => this.people.setCover(String(personId), String(faceId)));
  }

  async setBirthDate({
    personId,
    birthDate,
  }: {
    personId: number;
    birthDate: string;
  }): Promise<ChangeResult> {
    return this.change(() => this.people.setBirthDate(String(personId), birthDate));
  }

  async addFace(options: {
    photoId: number;
    box: Box;
    personId?: number;
  }): Promise<ChangeResult & { faceId: number }> {
    const photo = this.views.photo(options.photoId);
    if (!photo) throw new UserInputError(`No photo #${options.photoId} in the library.`);
    if (photo.width !== null && photo.height !== null) {
      const { x, y, width, height } = options.box;
      if (x < 0 || y < 0 || x + width > photo.width + 1 || y + height > photo.height + 1) {
        throw new UserInputError('The box must lie inside the photo.');
      }
    }
    const person = options.personId === undefined ? undefined : String(options.personId);
    const result = await this.library.addFace(String(photo.id), options.box, person);
    this.emit({ type: 'library-changed' });
    return result;
  }

  async confirmFaces({ faceIds }: { faceIds: number[] }): Promise<ChangeResult> {
    return this.change(() => this.people.confirm(faceIds.map(String)));
  }

  async confirmAll({ personId }: { personId: number }): Promise<ChangeResult> {
    return this.change(() => this.people.confirmAllOf(String(personId)));
  }

  async listFolders(): Promise<FolderSummary[]> {
    return this.library.foldersNow();
  }

  async folderErrors({ folderId }: { folderId: number }): Promise<FolderError[]> {
    return this.views.folderErrors(folderId);
  }

  async addFolder(options: { path: string }): Promise<ChangeResult> {
    const root = checkFolder(options.path);
    this.scans.start([root]);
    return { message: `Added ${root}; scanning it now.` };
  }

  async removeFolder({ folderId }: { folderId: number }): Promise<ChangeResult> {
    const folder = this.views.folder(folderId);
    if (!folder) throw new UserInputError(`No folder #${folderId} in the library.`);
    if (this.scans.isScanning(folder.path)) {
      throw new UserInputError(`${folder.path} is being scanned; remove it when the scan is done.`);
    }
    return this.change(() => {
      const removed = this.library.removeFolder(folder.id);
      return {
        message:
          `Removed ${folder.path} from the library (${removed.photos} photos, ${removed.faces} faces); ` +
          'the files on disk were not touched.',
      };
    });
  }

  async rescan(): Promise<ChangeResult> {
    const online = (await this.listFolders()).filter((folder) => folder.online).map((folder) => folder.path);
    if (online.length === 0) throw new UserInputError('No folder to scan: add a folder of photos first.');
    this.scans.start(online);
    return { message: `Scanning ${plural(online.length, 'folder')}.` };
  }

  /** Whether a scan the user asked for is running (the watcher then leaves the library to it). */
  isScanning(): boolean {
    return this.scans.state?.running === true;
  }

  /** Something outside the API changed the library (the folder watcher): views reload. */
  notifyLibraryChanged(): void {
    this.emit({ type: 'library-changed' });
  }

  async scanState(): Promise<ScanState | null> {
    return this.scans.state;
  }

  async exportPhotos(request: ExportRequest): Promise<ExportResult> {
    // At most about ten progress events a second (and always the first and the last).
    let last = 0;
    return new ExportService(this.library).export(request, (done, total) => {
      const now = Date.now();
      if (done > 0 && done < total && now - last < 100) return;
      last = now;
      this.emit({ type: 'export-progress', done, total });
    });
  }

  async writeSidecars({ personIds = [] }: { personIds?: number[] }): Promise<SidecarsResult> {
    const reports = await writeSidecars(this.library, personIds.map(String));
    const failed = reports.filter((report) => report.error !== null).length;
    const merged = reports.filter((report) => report.backup !== null).length;
    const message =
      reports.length === 0
        ? 'No photo has a named face yet: name people first.'
        : `Wrote ${plural(reports.length - failed, 'XMP sidecar')} beside the originals` +
          `${merged > 0 ? ` (${merged} merged into existing ones, each backed up first)` : ''}` +
          `${failed > 0 ? `; ${failed} skipped: ${reports.find((report) => report.error)!.error}` : ''}.`;
    return { message, reports };
  }

  /**
   * kindred identify without --library: the photos are indexed into a temporary library, removed
   * afterwards, so the known and unknown folders never become folders of the user's library and
   * its people keep their names (naming them there is `kindred identify --library`). That library
   * is its own, so the app's indexing lock is not needed and a scan of the app may run meanwhile.
   */
  async identifyPhotos(request: IdentifyRequest): Promise<IdentifyResult> {
    if (this.identifying) {
      throw new UserInputError('An identify is already running: wait for its results, then run the next.');
    }
    // Checked before the temporary library is made, so a refused call leaves nothing behind.
    const knownDir = checkFolder(request.knownDir, 'known people');
    const unknownDir = checkFolder(request.unknownDir, 'photos to identify');
    // The app's folders too: copies written into one would be indexed as new photos of the library.
    const outDir = prepareOutputFolder(request.outDir, [
      knownDir,
      unknownDir,
      ...this.library.deps.folders.all().map((folder) => folder.path),
    ]);
    this.identifying = true;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-identify-'));
    try {
      const library = openLibrary(resolveLibrary(scratch));
      try {
        let last = 0;
        const progress = (phase: 'indexing' | 'annotating', done: number, total: number) => {
          // At most about ten events a second (and always the first and the last of each phase).
          const now = Date.now();
          if (done > 0 && done < total && now - last < 100) return;
          last = now;
          this.emit({ type: 'identify-progress', phase, done, total });
        };
        const result = await identify(library, {
          knownDir,
          unknownDir,
          outDir,
          threshold: request.threshold,
          onScanProgress: ({ done, total }) => progress('indexing', done, total),
          onCopyProgress: (done, total) => progress('annotating', done, total),
        });
        return {
          message: identifyMessage(result.faces, result.people.length, result.outDir),
          people: result.people,
          faces: result.faces,
          warnings: result.warnings,
          failed: result.failed,
          outDir: result.outDir,
          resultsCsv: result.results,
        };
      } finally {
        library.close();
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
      this.identifying = false;
    }
  }

  /** Resolves when no scan is running (the server waits for it before closing the library). */
  idle(): Promise<void> {
    return this.scans.idle();
  }
}

function identifyMessage(faces: readonly { name: string }[], people: number, outDir: string): string {
  const named = faces.filter((face) => face.name !== UNKNOWN_NAME).length;
  const known = plural(people, 'known person', 'known people');
  return (
    `Named ${named} of ${plural(faces.length, 'face')} after ${known}; ${faces.length - named} unknown. ` +
    `Annotated copies and ${RESULTS_CSV} are in ${outDir}.`
  );
}

/** An absolute path to an existing folder (the folder of `what`), resolved through symlinks. */
function checkFolder(folder: string, what = 'photos'): string {
  if (!path.isAbsolute(folder)) {
    throw new UserInputError(
      `"${folder}" is not a full path: give the whole path, for example /home/me/Pictures.`,
    );
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch {
    throw new UserInputError(
      `Folder not found: ${folder} (the folder of ${what}). Check the path (or mount the drive) and try again.`,
    );
  }
  if (!stat.isDirectory())
    throw new UserInputError(`Not a folder: ${folder}. Give the folder that holds the ${what}.`);
  return fs.realpathSync(folder);
}
