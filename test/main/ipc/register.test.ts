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

/** Every method a spy; listPhotos answers with PHOTO. */
function fakeApi(): LibraryApi {
  const api: Record<string, unknown> = Object.fromEntries(
    LIBRARY_API_METHODS.map((method) => [method, vi.fn(async () => null)]),
  );
  api.listPhotos = vi.fn(async () => [PHOTO]);
  return api as unknown as LibraryApi;
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
    class Service {
      photos = [PHOTO];
      async listPhotos() {
        return this.photos;
      }
    }
    const { listPhotos: _unused, ...others } = fakeApi();
    const service = Object.assign(new Service(), others);
    registerLibraryIpc(ipcMain, service as unknown as LibraryApi);
    await expect(handler('listPhotos')(FROM_APP)).resolves.toEqual([PHOTO]);
  });

  it.each([['indexed'], [42], [null], [[1, 2]], [new Date(0)]])(
    'rejects a non-object argument (%j) with an error naming the method',
    async (bad) => {
      const api = fakeApi();
      registerLibraryIpc(ipcMain, api);
      await expect(handler('listPhotos')(FROM_APP, bad)).rejects.toThrow(/listPhotos/);
      expect(api.listPhotos).not.toHaveBeenCalled();
    },
  );

  it('rejects extra arguments', async () => {
    registerLibraryIpc(ipcMain, fakeApi());
    await expect(handler('listFaces')(FROM_APP, {}, {})).rejects.toThrow(/listFaces takes at most one/);
  });

  it.each([
    ['getPhoto', { photoId: '7' }, /photoId/],
    ['getPhoto', { photoId: 7, path: '/etc/passwd' }, /path/],
    ['getPhoto', undefined, /getPhoto/],
    ['namePerson', { personId: 1, name: '' }, /name/],
    ['namePerson', { personId: -1, name: 'Ada' }, /personId/],
    ['mergePeople', { personIds: [], intoId: 2 }, /personIds/],
    ['moveFaces', { faceIds: [1], personId: 2, newPersonName: 'Ada' }, /either personId or newPersonName/],
    ['moveFaces', { faceIds: [1] }, /either personId or newPersonName/],
    ['addFace', { photoId: 1, box: { x: -5, y: 0, width: 40, height: 40 } }, /box\.x/],
    ['addFace', { photoId: 1, box: { x: 0, y: 0, width: 40, height: Infinity } }, /box\.height/],
    ['setBirthDate', { personId: 1, birthDate: '14/05/1987' }, /birthDate/],
    ['setHidden', { personId: 1, hidden: 'yes' }, /hidden/],
    ['photoPage', { offset: 0, limit: 1e9 }, /limit/],
    ['addFolder', { path: 42 }, /path/],
    ['listFolders', { everything: true }, /everything/],
  ])('rejects malformed arguments to %s (%j) before the service sees them', async (method, bad, reason) => {
    const api = fakeApi();
    registerLibraryIpc(ipcMain, api);
    await expect(handler(method)(FROM_APP, bad)).rejects.toThrow(reason);
    expect(api[method as keyof LibraryApi]).not.toHaveBeenCalled();
  });

  it('passes a valid correction through with its validated options', async () => {
    const api = fakeApi();
    registerLibraryIpc(ipcMain, api);
    await handler('mergePeople')(FROM_APP, { personIds: [3, 4], intoId: 2 });
    expect(api.mergePeople).toHaveBeenCalledWith({ personIds: [3, 4], intoId: 2 });
    await handler('addFace')(FROM_APP, { photoId: 1, box: { x: 10, y: 20, width: 40, height: 50 } });
    expect(api.addFace).toHaveBeenCalledWith({ photoId: 1, box: { x: 10, y: 20, width: 40, height: 50 } });
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
