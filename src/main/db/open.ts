import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrate';

/**
 * better-sqlite3 is the one native module whose binary depends on the runtime's ABI: node_modules
 * holds the Node build (tests, CLI, kindred serve). Inside Electron the app loads an Electron-ABI
 * build instead, from KINDRED_SQLITE_BINDING or `build/electron/better_sqlite3.node` beside the
 * package (made on a machine that can fetch Electron's headers, e.g. with @electron/rebuild into a
 * copy of the module), so `npm test` and `npm start` both work from one checkout.
 */
export function electronSqliteBinding(
  versions: NodeJS.ProcessVersions = process.versions,
  env: NodeJS.ProcessEnv = process.env,
  root = packageRoot(__dirname),
): string | undefined {
  if (!versions.electron) return undefined;
  const candidate = env.KINDRED_SQLITE_BINDING || path.join(root, 'build', 'electron', 'better_sqlite3.node');
  return fs.existsSync(candidate) ? candidate : undefined;
}

export type LibraryDatabase = Database.Database;

/**
 * Opens (creating if needed) a library database with the settings every connection needs:
 * WAL so readers never block the writer, enforced foreign keys, and a busy timeout so a second
 * process (the CLI while the app runs) waits instead of failing at once.
 */
/** The folder of Kindred's package.json: this code runs from src/main/db or from a chunk in out/main. */
function packageRoot(start: string): string {
  for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return start;
}

export function openDatabase(
  file: string,
  options: { readonly?: boolean; migrate?: boolean } = {},
): LibraryDatabase {
  const nativeBinding = electronSqliteBinding();
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
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
