import { createHash } from 'node:crypto';
import type { LibraryDatabase } from '../../src/main/db/open';

/**
 * A digest of every row of every table of the library (schema included), to show that a call
 * changed nothing. Rows are read in primary-key order, so equal contents give equal digests.
 */
export function librarySnapshot(db: LibraryDatabase): string {
  const hash = createHash('sha256');
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string; sql: string }[];
  for (const { name, sql } of tables) {
    hash.update(`${name}\n${sql}\n`);
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const order = /WITHOUT ROWID/i.test(sql) ? '1' : 'rowid';
    for (const row of db.prepare(`SELECT * FROM ${quoted} ORDER BY ${order}`).raw().all() as unknown[][]) {
      hash.update(
        JSON.stringify(row, (_key, value: unknown) =>
          Buffer.isBuffer(value)
            ? value.toString('base64')
            : typeof value === 'bigint'
              ? String(value)
              : value,
        ),
      );
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}
