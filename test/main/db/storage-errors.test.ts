import { describe, expect, it } from 'vitest';
import {
  explainStorageError,
  LibraryBusyError,
  LibraryStorageError,
} from '../../../src/main/db/storage-errors';

const withCode = (code: string, message = 'low-level words') => Object.assign(new Error(message), { code });

describe('explainStorageError', () => {
  it('a busy or locked database is "library busy", naming the library, whatever the extended code', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']) {
      const explained = explainStorageError(withCode(code), '/lib');
      expect(explained).toBeInstanceOf(LibraryBusyError);
      expect(explained!.message).toContain('the library at /lib is busy');
    }
  });

  it('a full disk says which library and what to do', () => {
    for (const code of ['SQLITE_FULL', 'ENOSPC']) {
      const explained = explainStorageError(withCode(code), '/lib');
      expect(explained).toBeInstanceOf(LibraryStorageError);
      expect(explained!.message).toContain('the disk holding the library /lib is full');
      expect(explained!.message).toContain('Free some space');
    }
  });

  it('a read-only library says so', () => {
    for (const code of ['SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'EROFS', 'EACCES']) {
      const explained = explainStorageError(withCode(code), '/lib');
      expect(explained).toBeInstanceOf(LibraryStorageError);
      expect(explained!.message).toContain('the library /lib cannot be written');
    }
  });

  it('an I/O error on a disk with room, and any other error, are left as they are', () => {
    expect(explainStorageError(withCode('SQLITE_IOERR_WRITE'), process.cwd())).toBeUndefined();
    expect(explainStorageError(withCode('SQLITE_CONSTRAINT'), '/lib')).toBeUndefined();
    expect(explainStorageError(new Error('no code'), '/lib')).toBeUndefined();
    expect(explainStorageError('a string', '/lib')).toBeUndefined();
  });
});
