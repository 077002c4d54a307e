import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryApi } from '../../../src/common/api';
import { LibraryBusyError, LibraryStorageError } from '../../../src/main/db/storage-errors';
import { startServer, type RunningServer } from '../../../src/main/server/http';
import { withClearStorageErrors } from '../../../src/main/services/clear-storage-errors';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** An API whose calls fail as SQLite does when another process holds the library or the disk fills. */
function failingApi() {
  const plain = new Error('something else went wrong');
  const api = {
    listPeople: async () => {
      throw sqliteError('SQLITE_BUSY', 'database is locked');
    },
    namePerson: async () => {
      throw sqliteError('SQLITE_FULL', 'database or disk is full');
    },
    getPhoto: async () => {
      throw plain;
    },
    subscribe(this: { marker: string }) {
      return this.marker;
    },
    marker: 'the api itself',
  };
  return { api: api as unknown as LibraryApi & { subscribe(): string }, plain };
}

describe('the app API with clear storage errors', () => {
  const { api, plain } = failingApi();
  const clear = withClearStorageErrors(api, '/home/ann/Kindred');

  it("says the library is busy, which library, and that nothing changed, instead of SQLite's words", async () => {
    const error = await clear.listPeople().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryBusyError);
    expect((error as Error).message).toMatch(/library at \/home\/ann\/Kindred is busy.*Nothing was changed/);
  });

  it('says the disk holding the library is full and what to do', async () => {
    const error = await clear.namePerson({ personId: 1, name: 'Ada' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryStorageError);
    expect((error as Error).message).toMatch(
      /disk holding the library \/home\/ann\/Kindred is full.*Free some space/,
    );
  });

  it('passes any other error, and everything that is not an API method, through unchanged', async () => {
    await expect(clear.getPhoto({ photoId: 1 })).rejects.toBe(plain);
    expect(clear.subscribe()).toBe('the api itself');
  });

  describe('over HTTP (kindred serve)', () => {
    let server: RunningServer;
    const TOKEN = 'storage-token-0123456789';
    beforeAll(async () => {
      server = await startServer({
        api: clear,
        subscribe: () => () => {},
        media: { fromPath: async () => ({ file: '/nonexistent', contentType: 'image/webp' }) },
        rendererDir: __dirname,
        token: TOKEN,
      });
    });
    afterAll(() => server.close());

    const post = (method: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          `${server.url.split('/?')[0]}/api/${method}`,
          {
            method: 'POST',
            headers: { Cookie: `kindred_token=${TOKEN}`, 'Content-Type': 'application/json' },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode!, body }));
          },
        );
        request.on('error', reject);
        request.end(method === 'namePerson' ? JSON.stringify([{ personId: 1, name: 'Ada' }]) : '[]');
      });

    it('answers 503 for a busy library and 507 for a full disk, with the clear message', async () => {
      const busy = await post('listPeople');
      expect(busy.status).toBe(503);
      expect(JSON.parse(busy.body).error).toMatch(/is busy/);
      const full = await post('namePerson');
      expect(full.status).toBe(507);
      expect(JSON.parse(full.body).error).toMatch(/is full/);
    });
  });
});
