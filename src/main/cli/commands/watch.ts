import type { LibraryService } from '../../services/library';
import { explainStorageError } from '../../db/storage-errors';
import { DEFAULT_PIPELINE } from '../../vision/pipeline';
import { LibraryWatcher, type WatchChange } from '../../watcher/library-watcher';
import { EXIT_OK, UsageError } from '../errors';
import { printable } from '../printable';
import { withIndexingLock } from './indexing';
import { withLibrary } from './open';
import { parseWorkers } from './scan';

/** One line per change applied, on stdout; what the watcher is doing goes to stderr. */
export function describeChange(change: WatchChange): string {
  const faces = (n: number) => `${n} face${n === 1 ? '' : 's'}`;
  switch (change.kind) {
    case 'added':
      return `added ${change.path} (${faces(change.faces)})`;
    case 'changed':
      return `changed ${change.path} (${faces(change.faces)})`;
    case 'failed':
      return `failed ${change.path}: ${change.error}`;
    case 'moved':
      return `moved ${change.from} -> ${change.to}`;
    case 'removed':
      return `removed ${change.path}`;
    case 'offline':
      return `offline ${change.folder} (its photos stay in the library until it is back)`;
    case 'online':
      return `online ${change.folder}`;
  }
}

export async function runWatch(options: {
  library?: string;
  workers?: string;
  smallFaces?: boolean;
  wait?: boolean;
}): Promise<number> {
  const workers = parseWorkers(options.workers);
  return withLibrary(options.library, async (library, location) => {
    if ((await library.listFolders()).length === 0) {
      throw new UsageError('the library has no folders to watch yet. Add one with: kindred add FOLDER');
    }
    return withIndexingLock(location.dir, 'kindred watch', options, () =>
      watch(library, location.dir, workers, options),
    );
  });
}

async function watch(
  library: LibraryService,
  libraryDir: string,
  workers: number | undefined,
  options: { smallFaces?: boolean },
): Promise<number> {
  const watcher = new LibraryWatcher(library, {
    workers,
    pipeline: { ...DEFAULT_PIPELINE, smallFaces: options.smallFaces ?? false },
  });
  watcher.on('change', (change) => process.stdout.write(`${printable(describeChange(change))}\n`));
  watcher.on('problem', (problem) => {
    // A full disk or a read-only library: say so plainly (the watcher tries again by itself).
    const storage = problem.cause === undefined ? undefined : explainStorageError(problem.cause, libraryDir);
    const message = storage ? `${storage.message} Watching goes on and tries again.` : problem.message;
    process.stderr.write(
      `${printable(`kindred: ${problem.path && !storage ? `${problem.path}: ` : ''}${message}`)}\n`,
    );
  });
  watcher.on('library-changed', ({ newPeople }) => {
    if (newPeople > 0) process.stderr.write(`kindred: ${newPeople} new people found\n`);
  });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const started = performance.now();
  await watcher.start();
  const watched = watcher.watched();
  const offline = watched.filter((folder) => !folder.online).length;
  const polled = watched.filter((folder) => folder.polling).length;
  process.stderr.write(
    `kindred: watching ${watched.length - offline} folder${watched.length - offline === 1 ? '' : 's'}` +
      `${polled > 0 ? ` (${polled} polled: network file system)` : ''}` +
      `${offline > 0 ? `, ${offline} offline` : ''}; caught up in ${((performance.now() - started) / 1000).toFixed(1)} s. ` +
      'Stop with Ctrl+C.\n',
  );
  await stopped;
  await watcher.close();
  return EXIT_OK;
}
