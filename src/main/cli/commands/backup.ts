import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_OK, UsageError } from '../errors';
import { withLibrary } from './open';
import { plural } from '../../../common/plural';

/**
 * `kindred backup --out FILE`: a consistent copy of the library database made with SQLite's online
 * backup API, so the app, a scan or a watch may keep writing meanwhile (the copy is the library as
 * of one moment). It is written beside FILE and renamed, so FILE is never half a backup, then opened
 * and checked before the command says it is done.
 */
export async function runBackup(options: {
  library?: string;
  out: string;
  force?: boolean;
}): Promise<number> {
  const out = path.resolve(options.out);
  if (fs.existsSync(out) && !options.force)
    throw new UsageError(`${out} exists already. Choose another file, or pass --force to replace it.`);
  if (!fs.existsSync(path.dirname(out)))
    throw new UsageError(
      `the folder ${path.dirname(out)} does not exist. Create it first, or choose another --out.`,
    );
  const partial = `${out}.partial-${process.pid}`;
  const started = performance.now();
  try {
    const counts = await withLibrary(options.library, async (library, location) => {
      if (path.resolve(location.databaseFile) === out)
        throw new UsageError('--out is the library database itself: choose another file.');
      await library.deps.db.backup(partial);
      return checkCopy(partial);
    });
    fs.renameSync(partial, out);
    const size = fs.statSync(out).size;
    process.stdout.write(
      `Backed up the library to ${out} (${(size / 1024 / 1024).toFixed(1)} MB: ${plural(counts.photos, 'photo')}, ` +
        `${plural(counts.faces, 'face')}, ${plural(counts.people, 'person', 'people')}; integrity ok) in ${((performance.now() - started) / 1000).toFixed(1)} s. ` +
        `Restore it by copying it to library.db in a library folder while Kindred is closed.\n`,
    );
    return EXIT_OK;
  } finally {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`])
      fs.rmSync(leftover, { force: true });
  }
}

/**
 * The copy keeps the library's WAL mode, which would give it -wal and -shm companions whenever it
 * is opened: it is turned into a single self-contained file first, then checked.
 */
function checkCopy(file: string): { photos: number; faces: number; people: number } {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok')
      throw new Error(
        `the backup ${file} failed its integrity check (${String(check)}); nothing was written.`,
      );
    const one = (sql: string) => copy.prepare(sql).pluck().get() as number;
    return {
      photos: one(`SELECT COUNT(*) FROM photos`),
      faces: one(`SELECT COUNT(*) FROM faces`),
      people: one(`SELECT COUNT(*) FROM people`),
    };
  } finally {
    copy.close();
  }
}
