import fs from 'node:fs';
import path from 'node:path';
import { checkCopyOptions, parseWholeNumber } from '../../export/copy-options';
import { ExportService } from '../../services/export';
import type { LibraryService } from '../../services/library';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors';
import { ProgressBar } from '../progress';
import { withLibrary } from './open';

export interface ExportCommandOptions {
  library?: string;
  out: string;
  person: string[];
  any?: boolean;
  photo: string[];
  unnamed?: boolean;
  maxSize?: string;
  quality?: string;
  xmp?: boolean;
  csv?: boolean;
  json?: boolean;
}

/** `kindred export`: annotated copies of library photos (see docs/export.md). */
export async function runExport(options: ExportCommandOptions): Promise<number> {
  const copyOptions = checkCopyOptions({
    maxSize: parseWholeNumber(options.maxSize, '--max-size'),
    quality: parseWholeNumber(options.quality, '--quality'),
  });
  const bar = process.stderr.isTTY ? new ProgressBar(process.stderr, 'Exporting') : undefined;
  const started = Date.now();
  const result = await withLibrary(options.library, (library) =>
    new ExportService(library).export(
      {
        outDir: path.resolve(options.out),
        personIds: library.people.resolvePeople(options.person),
        anyPerson: options.any,
        photoIds: options.photo.map((reference) => resolvePhoto(library, reference)),
        unnamed: options.unnamed,
        ...copyOptions,
        xmp: options.xmp,
        csv: options.csv,
        json: options.json,
      },
      (done, total) => bar?.update(done, total, Date.now() - started, done === total),
    ),
  );
  bar?.finish();
  for (const failure of result.failed)
    process.stderr.write(`kindred: could not export ${failure.photo}: ${failure.error}\n`);
  process.stdout.write(`${result.message}\n`);
  return result.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** A photo id, or the path of a photo in the library. */
function resolvePhoto(library: LibraryService, reference: string): number {
  const photo = /^\d+$/.test(reference)
    ? library.deps.photos.find(Number(reference))
    : // Photos are stored by their real path: a path through a symbolic link finds them too.
      (library.deps.photos.find(path.resolve(reference)) ?? library.deps.photos.find(realPath(reference)));
  if (!photo) {
    throw new UsageError(
      `No photo "${reference}" in the library. Give a photo id or path from: kindred photos`,
    );
  }
  return photo.id;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
