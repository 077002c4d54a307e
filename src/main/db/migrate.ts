import type Database from 'better-sqlite3';
import type { Migration } from './migrations/types';
import { MIGRATIONS } from './migrations';

export class LibraryTooNewError extends Error {
  override name = 'LibraryTooNewError';

  constructor(
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `This library was written by a newer Kindred (schema ${fileVersion}; this one knows up to ${knownVersion}). ` +
        'Update Kindred to open it.',
    );
  }
}

/**
 * Brings the schema up to `target` (default: the newest). Each migration runs in its own
 * transaction together with its user_version bump, so a crash leaves either the old or the new
 * schema, never half of one.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  target = migrations.length,
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new LibraryTooNewError(current, migrations.length);
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    // IMMEDIATE takes the write lock before the version is read again: two processes opening a
    // new library at once (the app and a CLI command) both saw version 0, and the second one
    // would otherwise run the first migration again ("table folders already exists").
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
