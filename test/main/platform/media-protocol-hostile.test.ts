/**
 * Issue 7 §6, the Electron door for images (electron mocked): the kindred-media:// handler obeys
 * the rules of `kindred serve`'s /media/: ids only, indexed photos and their cache entries only,
 * traversal and paths refused, and any URL whatever answered with 200 or 404, never a 500.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { HOSTILE_STRINGS } from '../../support/hostile-args';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

const electron = vi.hoisted(() => ({
  protocol: { handle: vi.fn(), registerSchemesAsPrivileged: vi.fn() },
}));
vi.mock('electron', () => electron);

const { mediaResponse, handleMediaProtocol } = await import('../../../src/main/platform/media-protocol');

let scanned: ScannedLibrary;
let indexedId: number;
let brokenId: number;

beforeAll(async () => {
  scanned = await scannedLibrary(['people/amy/amy1.png']);
  fs.writeFileSync(path.join(scanned.lib.photosDir, 'broken.jpg'), 'not a photo');
  await scanned.library.scan([scanned.lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
  const photos = await scanned.api.listPhotos();
  indexedId = photos.find((photo) => photo.status === 'indexed')!.id;
  brokenId = photos.find((photo) => photo.status === 'error')!.id;
}, 120_000);
afterAll(() => scanned?.lib.cleanup());

/** Every file the handler may answer with lies in the library's cache folder. */
function cachedFiles(): string[] {
  const root = path.join(scanned.cacheDir, 'media');
  return fs.existsSync(root)
    ? fs.readdirSync(root, { recursive: true }).map((name) => path.join(root, String(name)))
    : [];
}

describe('kindred-media:// with hostile addresses', () => {
  it('is the handler Electron gets', async () => {
    handleMediaProtocol(scanned.media);
    const [[scheme, handler]] = electron.protocol.handle.mock.calls as [
      string,
      (request: { url: string }) => Promise<Response>,
    ][];
    expect(scheme).toBe('kindred-media');
    const response = await handler({ url: `kindred-media://media/thumb/${indexedId}` });
    expect(response.status).toBe(200);
  });

  it('refuses a photo that failed to index', async () => {
    for (const kind of ['thumb', 'photo']) {
      const response = await mediaResponse(`kindred-media://media/${kind}/${brokenId}`, scanned.media);
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/not indexed/);
    }
  });

  it('answers 404, without blocking, when an indexed photo was replaced by a FIFO or by junk', async () => {
    const [photo] = (await scanned.api.listPhotos()).filter((p) => p.id === indexedId);
    const face = (await scanned.api.getPhoto({ photoId: indexedId })).faces[0];
    const saved = fs.readFileSync(photo.path);
    // Nothing cached, so the file itself must be opened (the scan's previews would answer instead).
    fs.rmSync(path.join(scanned.cacheDir, 'media'), { recursive: true, force: true });
    try {
      fs.rmSync(photo.path);
      execFileSync('mkfifo', [photo.path]);
      // Before the check, sharp blocked on opening the FIFO and this never answered.
      for (const url of [
        `kindred-media://media/photo/${indexedId}`,
        `kindred-media://media/face/${face.id}`,
      ]) {
        const response = await mediaResponse(url, scanned.media);
        expect(response.status, url).toBe(404);
        expect(await response.text()).toMatch(/not a file/);
      }
      fs.rmSync(photo.path);
      fs.writeFileSync(photo.path, 'no longer a photo');
      const response = await mediaResponse(`kindred-media://media/photo/${indexedId}`, scanned.media);
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/can no longer be read as an image.*scan its folder again/);
    } finally {
      fs.rmSync(photo.path, { force: true });
      fs.writeFileSync(photo.path, saved);
    }
  });

  it.each([
    'kindred-media://media/thumb/..%2f..%2f..%2fetc%2fpasswd',
    'kindred-media://media/thumb/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'kindred-media://media/thumb/..%252f..%252fetc%252fpasswd',
    'kindred-media://media/photo/1%00',
    'kindred-media://media/photo/1/',
    'kindred-media://media/photo/01',
    'kindred-media://media/photo/1.0',
    'kindred-media://media/photo/-1',
    'kindred-media://media/photo/99999999999999999999',
    'kindred-media://media/thumb/C:%5CWindows%5Cwin.ini',
    'kindred-media://media//etc/passwd',
    'kindred-media://media/thumb/1#/../../etc/passwd',
    'kindred-media://user:pass@media/thumb/1',
    'kindred-media://media:80/thumb/1',
    'kindred-media://MEDIA.evil/thumb/1',
  ])('refuses %s with 404', async (url) => {
    const response = await mediaResponse(url, scanned.media);
    expect(response.status).toBe(404);
  });

  it('answers any address whatever with 200 (an indexed id) or 404, and only from the cache', async () => {
    const kinds = fc.constantFrom('thumb', 'face', 'photo', 'file', '..', '', 'THUMB');
    const ids = fc.oneof(
      fc.integer({ min: -5, max: 10 }).map(String),
      fc.constantFrom(...HOSTILE_STRINGS.filter((text) => text.length < 1000)),
      fc.string({ maxLength: 30 }),
    );
    const urls = fc.oneof(
      fc.tuple(kinds, ids).map(([kind, id]) => `kindred-media://media/${kind}/${id}`),
      fc.tuple(kinds, ids).map(([kind, id]) => `kindred-media://media/${kind}/${encodeURIComponent(id)}`),
      fc.webUrl().map((url) => url.replace(/^https?/, 'kindred-media')),
      fc.string({ maxLength: 80 }),
    );
    await fc.assert(
      fc.asyncProperty(urls, async (url) => {
        const response = await mediaResponse(url, scanned.media);
        expect([200, 404], url).toContain(response.status);
        if (response.status === 200) {
          expect(response.headers.get('content-type')).toBe('image/webp');
          expect(url).toMatch(/^kindred-media:\/\/media\/(thumb|face|photo)\/[1-9]\d*$/);
        }
      }),
      { numRuns: 300 },
    );
    for (const file of cachedFiles()) expect(file.startsWith(scanned.cacheDir + path.sep)).toBe(true);
  });
});
