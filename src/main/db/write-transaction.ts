import type Database from 'better-sqlite3';

/**
 * Runs `work` in a transaction that takes the library's write lock first (BEGIN IMMEDIATE), all
 * or nothing. Every transaction that may write goes through here, never `db.transaction(work)()`:
 * a deferred transaction that reads and then writes, while another process (kindred watch, the
 * app) holds the write lock, fails at once with SQLITE_BUSY. SQLite will not wait there, because
 * the other writer may have made the snapshot it read stale. Taking the lock up front lets the
 * busy timeout do its job: the command waits its turn instead.
 */
export function writeTransaction<T>(db: Database.Database, work: () => T): T {
  return db.transaction(work).immediate();
}
