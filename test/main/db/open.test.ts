import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronSqliteBinding } from '../../../src/main/db/open';
import { tempDir } from '../../support/fixtures';

let temp: { dir: string; cleanup: () => void } | undefined;
afterEach(() => temp?.cleanup());

describe('electronSqliteBinding', () => {
  it('keeps the Node build outside Electron', () => {
    expect(electronSqliteBinding({ ...process.versions, electron: undefined } as never, {})).toBeUndefined();
  });

  it('loads the Electron-ABI build from build/electron inside Electron, or the one named by the environment', () => {
    temp = tempDir();
    const built = path.join(temp.dir, 'build', 'electron', 'better_sqlite3.node');
    const versions = { ...process.versions, electron: '45.6.1' } as NodeJS.ProcessVersions;
    expect(electronSqliteBinding(versions, {}, temp.dir)).toBeUndefined();
    fs.mkdirSync(path.dirname(built), { recursive: true });
    fs.writeFileSync(built, '');
    expect(electronSqliteBinding(versions, {}, temp.dir)).toBe(built);
    const named = path.join(temp.dir, 'elsewhere.node');
    fs.writeFileSync(named, '');
    expect(electronSqliteBinding(versions, { KINDRED_SQLITE_BINDING: named }, temp.dir)).toBe(named);
  });
});
