import Database from 'better-sqlite3';
import { migrate } from './migrate';

export type LibraryDatabase = Database.Database;

/**
 * Opens (creating if needed) a library database with the settings every connection needs:
 * WAL so readers never block the writer, enforced foreign keys, and a busy timeout so a second
 * process (the CLI while the app runs) waits instead of failing at once.
 */
export function openDatabase(
  file: string,
  options: { readonly?: boolean; migrate?: boolean } = {},
): LibraryDatabase {
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  // SQLite's default page cache is 2 MB; the photo lists of a big person read thousands of rows
  // spread over the photos table, and kept in a 32 MB cache they cost a third less.
  db.pragma('cache_size = -32768');
  if (options.migrate !== false && !options.readonly) migrate(db);
  return db;
}
