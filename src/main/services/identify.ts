import fs from 'node:fs';
import path from 'node:path';
import type { Box } from '../../common/api';
import { checkCopyOptions } from '../export/copy-options';
import { csvDocument } from '../export/csv';
import { copyFileNames } from '../export/file-names';
import { knownPersonName } from '../export/known-names';
import { prepareOutputFolder } from '../export/output-folder';
import { writeCopies } from '../export/write-copies';
import { VERIFY_THRESHOLD } from '../people/thresholds';
import { ExportsRepository } from '../repositories/exports';
import type { ScanProgress } from '../scanner/scan';
import { euclideanDistance } from '../vision/embedder';
import { DEFAULT_PIPELINE } from '../vision/pipeline';
import { UserInputError } from './errors';
import { sharedLabelFont } from './export';
import type { LibraryService } from './library';

export const RESULTS_CSV = 'results.csv';
export const UNKNOWN_NAME = 'unknown';

export interface IdentifyRequest {
  knownDir: string;
  unknownDir: string;
  outDir: string;
  /** Faces closer than this to a known person's face are that person (default: verification's). */
  threshold?: number;
  workers?: number;
  onScanProgress?: (progress: ScanProgress) => void;
  onCopyProgress?: (done: number, total: number) => void;
}

/** One face of an unknown photo: who it is, or "unknown". */
export interface IdentifiedFace {
  photo: string;
  /** The annotated copy's file name in the output folder (empty when it could not be written). */
  copy: string;
  /** Pixels of the upright photo. */
  box: Box;
  name: string;
  /** Distance to the closest face of the nearest known person; null when nobody is known. */
  distance: number | null;
}

export interface IdentifyResult {
  people: { name: string; photos: number }[];
  faces: IdentifiedFace[];
  /** Known photos that were not used (no face, several faces, unreadable), by name. */
  warnings: string[];
  /** Unknown photos that could not be read or copied. */
  failed: { photo: string; error: string }[];
  outDir: string;
  results: string;
}

/**
 * The identify workflow of face_recognition's tutorial, on Kindred's engine: the photos under
 * `knownDir` name people, every face under `unknownDir` is compared with them by embedding
 * distance, and `outDir` receives an annotated copy of each unknown photo and results.csv.
 * Both folders are scanned into `library` (the CLI passes a temporary one unless --library),
 * and each known face is given to its person there, as `kindred move` would.
 */
export async function identify(library: LibraryService, request: IdentifyRequest): Promise<IdentifyResult> {
  const threshold = request.threshold ?? VERIFY_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold <= 0 || threshold > 2) {
    throw new UserInputError(
      `Invalid threshold ${request.threshold}: give a distance above 0 and at most 2 (default ${VERIFY_THRESHOLD}).`,
    );
  }
  const knownDir = existingFolder(request.knownDir, '--known');
  const unknownDir = existingFolder(request.unknownDir, '--unknown');
  const outDir = prepareOutputFolder(request.outDir, [
    knownDir,
    unknownDir,
    ...library.deps.folders.all().map((folder) => folder.path),
  ]);
  const copyOptions = checkCopyOptions({});

  await library.scan([knownDir, unknownDir], {
    workers: request.workers,
    pipeline: DEFAULT_PIPELINE,
    onProgress: request.onScanProgress,
  });

  const repository = new ExportsRepository(library.deps.db);
  const warnings: string[] = [];
  const known: { name: string; embedding: Float32Array }[] = [];
  const photosPerPerson = new Map<string, number>();
  for (const photo of repository.photosUnder(knownDir, path.sep)) {
    const name = knownPersonName(knownDir, photo.path);
    if (photo.status !== 'indexed') {
      warnings.push(`${name}: ${photo.path} could not be read (${photo.error ?? photo.status}); not used.`);
      continue;
    }
    const faces = repository.facesWithEmbeddings(photo.id);
    if (faces.length !== 1) {
      warnings.push(
        faces.length === 0
          ? `${name}: no face found in ${photo.path}; not used. Give a photo where the face is clearly visible.`
          : `${name}: ${faces.length} faces found in ${photo.path}; not used. Give a photo of ${name} alone.`,
      );
      continue;
    }
    known.push({ name, embedding: faces[0].embedding });
    photosPerPerson.set(name, (photosPerPerson.get(name) ?? 0) + 1);
    try {
      nameInLibrary(library, faces[0].id, name);
    } catch (error) {
      // The comparison does not need the library's names: say why it has none, and go on.
      warnings.push(`${name}: not named in the library (${(error as Error).message}).`);
    }
  }
  for (const name of new Set(
    repository.photosUnder(knownDir, path.sep).map((p) => knownPersonName(knownDir, p.path)),
  )) {
    if (!photosPerPerson.has(name))
      warnings.push(`${name}: no usable photo, so nobody is recognised as ${name}.`);
  }

  const unknownPhotos = repository.photosUnder(unknownDir, path.sep);
  const names = copyFileNames(unknownPhotos);
  const faces: IdentifiedFace[] = [];
  const failed: { photo: string; error: string }[] = [];
  const jobs = [];
  for (const photo of unknownPhotos) {
    if (photo.status !== 'indexed') {
      failed.push({ photo: photo.path, error: photo.error ?? `not indexed (${photo.status})` });
      continue;
    }
    const copy = names.get(photo.id)!;
    const identified = repository.facesWithEmbeddings(photo.id).map((face) => {
      const best = nearest(known, face.embedding);
      const name = best && best.distance < threshold ? best.name : UNKNOWN_NAME;
      return { photo: photo.path, copy, box: face.box, name, distance: best?.distance ?? null };
    });
    faces.push(...identified);
    jobs.push({
      source: photo.path,
      fileName: copy,
      faces: identified.map((face) => ({
        box: face.box,
        name: face.name === UNKNOWN_NAME ? null : face.name,
      })),
    });
  }
  const copies = await writeCopies(jobs, outDir, sharedLabelFont(), copyOptions, request.onCopyProgress);
  for (const failure of copies.failed) {
    failed.push({ photo: failure.source, error: failure.error });
    for (const face of faces) if (face.photo === failure.source) face.copy = '';
  }

  const results = path.join(outDir, RESULTS_CSV);
  fs.writeFileSync(
    results,
    csvDocument(
      ['photo', 'copy', 'x', 'y', 'width', 'height', 'name', 'distance'],
      faces.map((face) => [
        face.photo,
        face.copy,
        Math.round(face.box.x),
        Math.round(face.box.y),
        Math.round(face.box.width),
        Math.round(face.box.height),
        face.name,
        face.distance === null ? null : Number(face.distance.toFixed(4)),
      ]),
    ),
  );
  return {
    people: [...photosPerPerson]
      .map(([name, photos]) => ({ name, photos }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    faces,
    warnings,
    failed,
    outDir,
    results,
  };
}

/**
 * Records in the library that this face is `name`: the unnamed person grouping put it with gets
 * the name (merged into a person who already has it), so their other faces are named too; a face
 * grouped with someone else is moved to `name`. A name of digits only is left out (it would be
 * read as a person id).
 */
function nameInLibrary(library: LibraryService, faceId: number, name: string): void {
  if (/^\d+$/.test(name.trim())) return;
  const face = library.deps.faces.get(faceId);
  const person = face?.personId == null ? undefined : library.deps.people.get(face.personId);
  if (person && person.name === null) library.people.name(String(person.id), name, { merge: true });
  else if (!person || person.name !== name) library.people.move([String(faceId)], name);
}

/** The known person whose closest face is nearest. */
function nearest(
  known: readonly { name: string; embedding: Float32Array }[],
  embedding: Float32Array,
): { name: string; distance: number } | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = euclideanDistance(candidate.embedding, embedding);
    if (!best || distance < best.distance) best = { name: candidate.name, distance };
  }
  return best;
}

function existingFolder(folder: string, option: string): string {
  const absolute = path.resolve(folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new UserInputError(`${option} folder not found: ${absolute}. Check the path and try again.`);
  }
  if (!stat.isDirectory()) throw new UserInputError(`${option} must be a folder: ${absolute} is a file.`);
  return fs.realpathSync(absolute);
}
