import fs from 'node:fs';
import path from 'node:path';
import type { ExportRequest, ExportResult } from '../../common/api';
import { checkCopyOptions } from '../export/copy-options';
import { faceListCsv, faceListJson, type FaceListRow } from '../export/face-list';
import { copyFileNames } from '../export/file-names';
import { LabelFont } from '../export/label-font';
import { prepareOutputFolder } from '../export/output-folder';
import { writeCopies, type CopyJob } from '../export/write-copies';
import { ExportsRepository, type ExportFace, type ExportPhoto } from '../repositories/exports';
import { UserInputError } from './errors';
import type { LibraryService } from './library';
import { plural } from '../../common/plural';

export const FACES_CSV = 'faces.csv';
export const FACES_JSON = 'faces.json';

/** Calls back as copies are written: done of total. */
export type ExportProgressListener = (done: number, total: number) => void;

let labelFont: LabelFont | undefined;
/** The shipped label font, read once per process. */
export function sharedLabelFont(): LabelFont {
  return (labelFont ??= LabelFont.load());
}

/**
 * Annotated copies of library photos (kindred export, the app's Export dialog and the viewer's
 * "Export this photo"): which photos, which faces and names, copy names, faces.csv/json.
 */
export class ExportService {
  private readonly repository: ExportsRepository;

  constructor(private readonly library: LibraryService) {
    this.repository = new ExportsRepository(library.deps.db);
  }

  /**
   * The photos an export takes, in id order: those with the people (all of them, or any),
   * plus the photos named; with neither, every photo with a face that will be drawn.
   */
  select(request: Pick<ExportRequest, 'personIds' | 'anyPerson' | 'photoIds' | 'unnamed'>): ExportPhoto[] {
    const personIds = request.personIds ?? [];
    const photoIds = request.photoIds ?? [];
    let ids: number[];
    if (personIds.length === 0 && photoIds.length === 0) {
      ids = this.repository.photosWithFaces(request.unnamed ?? false);
    } else {
      ids =
        personIds.length > 0 ? this.repository.photosWithPeople(personIds, request.anyPerson ?? false) : [];
      ids = [...new Set([...ids, ...photoIds])].sort((a, b) => a - b);
    }
    return ids.map((id) => {
      const photo = this.repository.photo(id);
      if (!photo)
        throw new UserInputError(`No photo #${id} in the library. List photos with: kindred photos`);
      return photo;
    });
  }

  async export(request: ExportRequest, onProgress?: ExportProgressListener): Promise<ExportResult> {
    const copyOptions = { ...checkCopyOptions(request), xmp: request.xmp ?? false };
    // The selection first: a photo that is not there is refused before any folder is created.
    const photos = this.select(request);
    const outDir = prepareOutputFolder(
      request.outDir,
      this.library.deps.folders.all().map((folder) => folder.path),
    );
    const names = copyFileNames(this.repository.allFileNames());
    const faces = new Map<number, ExportFace[]>();
    const jobs: CopyJob[] = photos.map((photo) => {
      const drawn = this.repository
        .faces(photo.id)
        .filter((face) => face.personName !== null || request.unnamed);
      faces.set(photo.id, drawn);
      return {
        source: photo.path,
        fileName: names.get(photo.id)!,
        faces: drawn.map((face) => ({ box: face.box, name: face.personName })),
      };
    });
    const copies = await writeCopies(jobs, outDir, sharedLabelFont(), copyOptions, onProgress);

    const byFile = new Map(photos.map((photo) => [photo.path, photo]));
    const rows: FaceListRow[] = copies.written.flatMap((copy) => {
      const photo = byFile.get(copy.job.source)!;
      return faces.get(photo.id)!.map((face, index) => ({
        photo: photo.path,
        copy: copy.job.fileName,
        takenAt: photo.takenAt,
        box: face.box,
        normalizedBox: copy.faces[index].box,
        personId: face.personId,
        personName: face.personName,
        score: face.score,
      }));
    });
    const lists: string[] = [];
    if (request.csv) {
      fs.writeFileSync(path.join(outDir, FACES_CSV), faceListCsv(rows));
      lists.push(path.join(outDir, FACES_CSV));
    }
    if (request.json) {
      fs.writeFileSync(path.join(outDir, FACES_JSON), faceListJson(rows));
      lists.push(path.join(outDir, FACES_JSON));
    }
    const failed = copies.failed.map((failure) => ({ photo: failure.source, error: failure.error }));
    return {
      outDir,
      files: copies.written.map((copy) => copy.file),
      faces: rows.length,
      lists,
      failed,
      message: exportMessage(outDir, copies.written.length, rows.length, lists, failed),
    };
  }
}

function exportMessage(
  outDir: string,
  copies: number,
  faces: number,
  lists: string[],
  failed: { photo: string; error: string }[],
): string {
  let message = `Exported ${plural(copies, 'photo')} (${plural(faces, 'face')} labelled) to ${outDir}`;
  if (lists.length > 0) message += `; wrote ${lists.map((file) => path.basename(file)).join(' and ')}`;
  message += '.';
  if (failed.length > 0) message += ` ${plural(failed.length, 'photo')} could not be exported.`;
  return message;
}
