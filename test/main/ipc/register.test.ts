import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LIBRARY_API_METHODS, type LibraryApi, type PhotoSummary } from '../../../src/common/api';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

// index.ts hands Electron's ipcMain to registerLibraryIpc; this fake records what gets registered.
const electron = vi.hoisted(() => {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    ipcMain: {
      handle: vi.fn((channel: string, handler: Handler) => {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, handler);
      }),
    },
  };
});
vi.mock('electron', () => ({ ipcMain: electron.ipcMain }));

const { ipcMain } = await import('electron');
const { registerLibraryIpc } = await import('../../../src/main/ipc/register');

const PHOTO: PhotoSummary = {
  id: 1,
  path: '/photos/a.jpg',
  width: 640,
  height: 480,
  takenAt: null,
  status: 'indexed',
  error: null,
  faces: 2,
};
const FROM_APP = { senderFrame: { url: 'file:///app/index.html' } };

function fakeApi(): LibraryApi {
  return { listPhotos: vi.fn(async () => [PHOTO]), listFaces: vi.fn(async () => []) };
}

function handler(method: string): Handler {
  const found = electron.handlers.get(`kindred:${method}`);
  if (!found) throw new Error(`no handler for kindred:${method}`);
  return found;
}

describe('registerLibraryIpc', () => {
  beforeEach(() => {
    electron.handlers.clear();
    electron.ipcMain.handle.mockClear();
  });

  it('registers one kindred:<method> handler per LibraryApi method', () => {
    registerLibraryIpc(ipcMain, fakeApi());
    expect([...electron.handlers.keys()].sort()).toEqual(
      LIBRARY_API_METHODS.map((m) => `kindred:${m}`).sort(),
    );
  });

  it('passes a call and its options through to the LibraryApi', async () => {
    const api = fakeApi();
    registerLibraryIpc(ipcMain, api);
    await expect(handler('listPhotos')(FROM_APP, { status: 'indexed' })).resolves.toEqual([PHOTO]);
    expect(api.listPhotos).toHaveBeenCalledWith({ status: 'indexed' });
    await handler('listFaces')(FROM_APP);
    expect(api.listFaces).toHaveBeenCalledWith(undefined);
  });

  it('keeps the service as `this`', async () => {
    class Service implements LibraryApi {
      photos = [PHOTO];
      async listPhotos() {
        return this.photos;
      }
      async listFaces() {
        return [];
      }
    }
    registerLibraryIpc(ipcMain, new Service());
    await expect(handler('listPhotos')(FROM_APP)).resolves.toEqual([PHOTO]);
  });

  it.each([['indexed'], [42], [null], [[1, 2]], [new Date(0)]])(
    'rejects a non-object argument (%j) with an error naming the method',
    async (bad) => {
      const api = fakeApi();
      registerLibraryIpc(ipcMain, api);
      await expect(handler('listPhotos')(FROM_APP, bad)).rejects.toThrow(/kindred:listPhotos/);
      expect(api.listPhotos).not.toHaveBeenCalled();
    },
  );

  it('rejects extra arguments', async () => {
    registerLibraryIpc(ipcMain, fakeApi());
    await expect(handler('listFaces')(FROM_APP, {}, {})).rejects.toThrow(/kindred:listFaces/);
  });

  it('refuses calls from an untrusted sender', async () => {
    const api = fakeApi();
    registerLibraryIpc(ipcMain, api, {
      isTrustedSender: (event) => event.senderFrame?.url === FROM_APP.senderFrame.url,
    });
    await expect(handler('listPhotos')({ senderFrame: { url: 'https://example.com/' } })).rejects.toThrow(
      /kindred:listPhotos refused/,
    );
    expect(api.listPhotos).not.toHaveBeenCalled();
  });
});
