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
  if (options.migrate !== false && !options.readonly) migrate(db);
  return db;
}
