import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

// require('electron') throws in plain Node; the module only registers its handler through `protocol`.
const electron = vi.hoisted(() => ({
  protocol: { handle: vi.fn(), registerSchemesAsPrivileged: vi.fn() },
}));
vi.mock('electron', () => electron);

const { mediaResponse, handleMediaProtocol, registerMediaScheme } =
  await import('../../../src/main/platform/media-protocol');

let scanned: ScannedLibrary;
let photoId: number;
let faceId: number;

beforeAll(async () => {
  scanned = await scannedLibrary(['groups/bbt3.jpg']);
  const [photo] = await scanned.api.listPhotos();
  photoId = photo.id;
  faceId = (await scanned.api.getPhoto({ photoId })).faces[0].id;
});
afterAll(() => scanned.lib.cleanup());

describe('the kindred-media protocol', () => {
  it('registers a privileged scheme and a handler', () => {
    registerMediaScheme();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'kindred-media' }),
    ]);
    handleMediaProtocol(scanned.media);
    expect(electron.protocol.handle).toHaveBeenCalledWith('kindred-media', expect.any(Function));
  });

  it('serves a ~256 px WebP thumbnail of an indexed photo, made once into the cache', async () => {
    const response = await mediaResponse(`kindred-media://media/thumb/${photoId}`, scanned.media);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const image = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(image.format).toBe('webp');
    expect(Math.min(image.width!, image.height!)).toBe(256);
    const cached = fs.readdirSync(path.join(scanned.cacheDir, 'media', 'thumb'), { recursive: true });
    expect(cached.filter((name) => String(name).endsWith('.webp'))).toHaveLength(1);
  });

  it('serves a square face crop and the screen-sized photo by id', async () => {
    const face = await mediaResponse(`kindred-media://media/face/${faceId}`, scanned.media);
    expect(face.status).toBe(200);
    const crop = await sharp(Buffer.from(await face.arrayBuffer())).metadata();
    expect([crop.width, crop.height]).toEqual([192, 192]);
    const photo = await mediaResponse(`kindred-media://media/photo/${photoId}`, scanned.media);
    expect(photo.status).toBe(200);
  });

  it('answers 404, not a server error, when the photo file is gone and nothing is cached', async () => {
    const detail = await scanned.api.getPhoto({ photoId });
    const uncached = detail.faces[detail.faces.length - 1].id;
    // As for a photo indexed before previews were made at analysis and never shown since.
    fs.rmSync(path.join(scanned.lib.dir, 'cache', 'media'), { recursive: true, force: true });
    const unplugged = `${scanned.lib.photosDir}-unplugged`;
    fs.renameSync(scanned.lib.photosDir, unplugged);
    try {
      const response = await mediaResponse(`kindred-media://media/face/${uncached}`, scanned.media);
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/file is missing/);
    } finally {
      fs.renameSync(unplugged, scanned.lib.photosDir);
    }
  });

  it.each([
    ['an id that is not in the library', 'kindred-media://media/thumb/999999'],
    ['a face id that is not in the library', 'kindred-media://media/face/999999'],
    ['a path', 'kindred-media://media/etc/passwd'],
    ['a traversal', 'kindred-media://media/thumb/../../../../etc/passwd'],
    ['an encoded path', 'kindred-media://media/thumb/%2Fetc%2Fpasswd'],
    ['a file name', 'kindred-media://media/photo/bbt3.jpg'],
    ['another host', 'kindred-media://etc/thumb/1'],
    ['a query', 'kindred-media://media/thumb/1?path=/etc/passwd'],
    ['an absolute file path', 'kindred-media:///etc/passwd'],
    ['a zero id', 'kindred-media://media/thumb/0'],
    ['another scheme', 'file:///etc/passwd'],
  ])('refuses %s', async (_what, url) => {
    const response = await mediaResponse(url, scanned.media);
    expect(response.status).toBe(404);
  });
});
