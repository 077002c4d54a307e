import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PIPELINE } from '../../vision/pipeline';
import { EXIT_OK, UsageError } from '../errors';
import { printable } from '../printable';
import { formatDuration, ProgressBar } from '../progress';
import { withIndexingLock } from './indexing';
import { withLibrary } from './open';

export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new UsageError(`--workers must be a whole number from 1 to 64 (got "${value}")`);
  }
  return workers;
}

function checkFolders(folders: readonly string[]): string[] {
  return folders.map((folder) => {
    const absolute = path.resolve(folder);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new UsageError(
        `folder not found: ${absolute}. Check the path (or mount the drive) and try again.`,
      );
    }
    if (!stat.isDirectory())
      throw new UsageError(`not a folder: ${absolute}. Pass the folder that holds the photos.`);
    return fs.realpathSync(absolute);
  });
}

export async function runScan(
  folders: string[],
  options: { library?: string; workers?: string; smallFaces?: boolean; wait?: boolean },
  verb: 'Scanned' | 'Added' = 'Scanned',
): Promise<number> {
  const workers = parseWorkers(options.workers);
  const roots = checkFolders(folders);
  const bar = process.stderr.isTTY ? new ProgressBar(process.stderr) : undefined;
  const summary = await withLibrary(options.library, (library, location) =>
    withIndexingLock(location.dir, `kindred ${verb === 'Added' ? 'add' : 'scan'}`, options, () =>
      library.scan(roots, {
        workers,
        pipeline: { ...DEFAULT_PIPELINE, smallFaces: options.smallFaces ?? false },
        onProgress: (progress) =>
          bar?.update(progress.done, progress.total, progress.elapsedMs, progress.done === progress.total),
      }),
    ),
  );
  bar?.finish();
  for (const problem of summary.problems)
    process.stderr.write(`kindred: skipped ${printable(problem.path)}: ${printable(problem.message)}\n`);

  const analysed = summary.indexed + summary.failed;
  const rate = summary.elapsedMs > 0 ? (analysed * 1000) / summary.elapsedMs : 0;
  const details = [
    `${analysed} analysed in ${formatDuration(summary.elapsedMs)} (${rate.toFixed(1)} photos/s)`,
    `${summary.facesFound} faces found`,
    `${summary.grouping.newPeople} new people, ${summary.grouping.suggestions} suggestions to review`,
    `${summary.unchanged} unchanged`,
  ];
  if (summary.moved > 0) details.push(`${summary.moved} moved or renamed (faces and people kept)`);
  if (summary.removed > 0) details.push(`${summary.removed} removed (file gone)`);
  const libraryFlag = options.library ? ` --library ${JSON.stringify(path.resolve(options.library))}` : '';
  const failuresHint =
    summary.failed > 0 ? `; list the failures with: kindred photos --status error${libraryFlag}` : '';
  process.stdout.write(
    `${verb} ${roots.length === 1 ? printable(roots[0]) : `${roots.length} folders`}: ${details.join(', ')}. ` +
      `${summary.indexed} indexed, ${summary.failed} failed${failuresHint}\n`,
  );
  return EXIT_OK;
}
