/**
 * Issue 7 §6, `kindred serve` at the trust boundary: no token, a foreign Host, traversal in ids
 * and URL paths (raw, encoded, double-encoded, absolute), request targets no URL parser accepts,
 * and media for anything but an indexed photo. Requests are sent raw, exactly as written.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLibrary } from '../../../src/main/library-paths';
import { ViewsRepository } from '../../../src/main/repositories/views';
import { startServer, type RunningServer } from '../../../src/main/server/http';
import { AppApi } from '../../../src/main/services/app-api';
import type { LibraryService } from '../../../src/main/services/library';
import { MediaService } from '../../../src/main/services/media';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { tempDir } from '../../support/fixtures';
import { createTestLibrary, fixedClock, type TestLibrary } from '../../support/library';

const TOKEN = 'hostile-test-token-0123456789abcdef';
let lib: TestLibrary;
let library: LibraryService;
let server: RunningServer;
let renderer: { dir: string; cleanup: () => void };
let cacheDir: string;
let indexedId: number;
let brokenId: number;
let faceId: number;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  target: string,
  options: { method?: string; headers?: Record<string, string>; cookie?: boolean; setHost?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie !== false) headers.Cookie ??= `kindred_token=${TOKEN}`;
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: target,
        method: options.method ?? 'GET',
        headers,
        setHost: options.setHost ?? true,
      },
      (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A request written byte for byte on a socket (for targets http.request would refuse to send). */
function rawRequest(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.end(head));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  lib = createTestLibrary();
  lib.addPhotos(['groups/bbt3.jpg']);
  fs.writeFileSync(path.join(lib.photosDir, 'broken.jpg'), 'not a photo');
  library = lib.open({ clock: fixedClock() });
  await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
  const photos = await library.listPhotos();
  indexedId = photos.find((photo) => photo.status === 'indexed')!.id;
  brokenId = photos.find((photo) => photo.status === 'error')!.id;
  faceId = (await library.listFaces())[0].id;
  cacheDir = resolveLibrary(lib.dir).cacheDir;
  renderer = tempDir('kindred-renderer-');
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html><title>Kindred app</title>');
  fs.mkdirSync(path.join(renderer.dir, 'assets'));
  fs.writeFileSync(path.join(renderer.dir, 'assets', 'app.js'), 'console.log("app")');
  const api = new AppApi(library);
  server = await startServer({
    api,
    subscribe: (listener) => api.subscribe(listener),
    media: new MediaService(new ViewsRepository(library.deps.db), cacheDir),
    rendererDir: renderer.dir,
    token: TOKEN,
  });
});

afterAll(async () => {
  await server?.close();
  lib?.cleanup();
  renderer?.cleanup();
});

/** Nothing of the machine outside the renderer and the cache may show in a reply. */
function expectNothingLeaked(reply: Reply): void {
  expect(reply.body).not.toMatch(/root:.*:0:0:|\[boot loader\]|PRIVATE KEY/);
  expect(reply.status).not.toBe(500);
}

describe('without the token', () => {
  const wrongTokens = [
    ['no cookie', undefined],
    ['an empty token', ''],
    ['a token one character short', TOKEN.slice(0, -1)],
    ['a token one character long', `${TOKEN}x`],
    ['a token of the right length, wrong last character', `${TOKEN.slice(0, -1)}X`],
    ['the token twice', TOKEN + TOKEN],
  ] as const;

  it.each(wrongTokens)(
    'refuses the page, assets, API, events and media with %s: 401',
    async (_what, token) => {
      for (const target of [
        '/',
        '/index.html',
        '/people',
        '/assets/app.js',
        '/api/events',
        `/media/thumb/${indexedId}`,
      ]) {
        const reply = await request(target, {
          cookie: token !== undefined,
          headers: token === undefined ? {} : { Cookie: `kindred_token=${token}` },
        });
        expect(reply.status, target).toBe(401);
        expect(reply.body).not.toContain('<title>Kindred app');
        expect(reply.body).not.toContain('console.log');
        expect(reply.headers['content-type']).not.toMatch(/image/);
      }
      const api = await request('/api/listPhotos', {
        method: 'POST',
        cookie: token !== undefined,
        headers: {
          'Content-Type': 'application/json',
          ...(token === undefined ? {} : { Cookie: `kindred_token=${token}` }),
        },
      });
      expect(api.status).toBe(401);
      expect(api.body).not.toContain('broken.jpg');
    },
  );

  it('refuses a wrong token in the address (no cookie is set)', async () => {
    const reply = await request(`/?token=${TOKEN.slice(0, -1)}X`, { cookie: false });
    expect(reply.status).toBe(401);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('redirects only to its own paths after taking the token from the address', async () => {
    for (const target of [
      `/.//evil.example/?token=${TOKEN}`,
      `//evil.example/?token=${TOKEN}`,
      `/\\evil.example/?token=${TOKEN}`,
    ]) {
      const reply = await request(target, { cookie: false });
      if (reply.status !== 303) continue;
      expect(reply.headers.location, target).toMatch(/^\/(?![/\\])/);
    }
  });
});

describe('a foreign Host', () => {
  it.each([
    ['another name', () => `evil.example:${server.port}`],
    ['a name that starts like ours', () => `localhost.evil.example:${server.port}`],
    ['our address on another port', () => `127.0.0.1:${server.port + 1}`],
    ['our address without the port', () => '127.0.0.1'],
    ['a LAN address', () => `192.168.1.10:${server.port}`],
  ])('refuses %s with 403, token or not', async (_what, host) => {
    const reply = await request('/', { headers: { Host: host() } });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('<title>Kindred app');
  });

  it('refuses a request with no Host header, or an empty one', async () => {
    // Node's server itself answers 400 to HTTP/1.1 without a Host; either way, no page.
    const reply = await request('/', { setHost: false });
    expect([400, 403]).toContain(reply.status);
    expect(reply.body).not.toContain('<title>Kindred app');
    const empty = await rawRequest(
      `GET / HTTP/1.1\r\nHost: \r\nCookie: kindred_token=${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    expect(empty).toMatch(/^HTTP\/1\.1 (400|403)/);
    expect(empty).not.toContain('<title>Kindred app');
  });
});

describe('traversal and absolute paths', () => {
  const mediaTargets = [
    '/media/thumb/..%2f..%2f..%2fetc%2fpasswd',
    '/media/thumb/..%252f..%252fetc%252fpasswd',
    '/media/thumb/%2e%2e/%2e%2e/etc/passwd',
    '/media/thumb/../../../../etc/passwd',
    '/media/photo/%2Fetc%2Fpasswd',
    '/media/photo//etc/passwd',
    '/media/photo/1/../../../etc/passwd',
    '/media/photo/1%00.jpg',
    '/media/photo/1;/etc/passwd',
    '/media/face/-1',
    '/media/face/0',
    '/media/face/1e3',
    '/media/face/0x1',
    '/media/photo/99999999999999999999',
    '/media/thumb/C:%5CWindows%5Cwin.ini',
    '/media/..%2f..%2fetc%2fpasswd',
    '/media/file/etc/passwd',
    ['a 5000-digit id', `/media/thumb/${'9'.repeat(5000)}`],
  ].map((target) => (Array.isArray(target) ? target : [target, target]));

  it.each(mediaTargets)('media %s: 404, nothing read', async (_what, target) => {
    const reply = await request(target);
    expectNothingLeaked(reply);
    // A literal `..` is resolved by the URL parser (as a browser does) before routing: what is
    // left is a path of the app, answered with its page, never with a file.
    if (reply.status === 200) expect(reply.body).toContain('<title>Kindred app');
    else expect(reply.status).toBe(404);
    expect(reply.headers['content-type'] ?? '').not.toMatch(/image/);
  });

  const staticTargets = [
    '/../../../../etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/assets/%2e%2e%5c%2e%2e%5cetc%5cpasswd',
    '//etc/passwd',
    '/etc/passwd%00.js',
    '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
    '/%ZZ',
  ];

  it.each(staticTargets)('page path %s: never a file outside the renderer', async (target) => {
    const reply = await request(target);
    expectNothingLeaked(reply);
    expect([200, 400, 404]).toContain(reply.status);
    if (reply.status === 200) expect(reply.body).toContain('<title>Kindred app');
  });

  it('does not serve the photos folder even by its absolute path', async () => {
    const reply = await request(`/${encodeURIComponent(path.join(lib.photosDir, 'bbt3.jpg'))}`);
    expect(reply.headers['content-type'] ?? '').not.toMatch(/image/);
  });

  it('answers request targets no URL parser accepts with 400, and keeps serving', async () => {
    const answer = await rawRequest(
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: kindred_token=${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const absolute = await rawRequest(
      `GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: kindred_token=${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute).not.toMatch(/root:.*:0:0:/);
    expect((await request('/')).status).toBe(200);
  });
});

describe('media: only indexed photos and their cache entries', () => {
  it('serves an indexed photo, its thumbnail and a face crop from the cache folder', async () => {
    // Emptied first: the scan's workers already cached every photo's thumbnail and face crops.
    fs.rmSync(path.join(cacheDir, 'media'), { recursive: true, force: true });
    for (const target of [
      `/media/thumb/${indexedId}`,
      `/media/photo/${indexedId}`,
      `/media/face/${faceId}`,
    ]) {
      const reply = await request(target);
      expect(reply.status, target).toBe(200);
      expect(reply.headers['content-type']).toBe('image/webp');
    }
    const cached = fs.readdirSync(path.join(cacheDir, 'media'), { recursive: true }).map(String);
    expect(cached.filter((name) => name.endsWith('.webp'))).toHaveLength(3);
  });

  it('refuses a photo that failed to index (it is a file of the library, but not an indexed photo)', async () => {
    for (const kind of ['thumb', 'photo']) {
      const reply = await request(`/media/${kind}/${brokenId}`);
      expect(reply.status).toBe(404);
      expect(reply.body).toMatch(/not indexed/);
    }
  });
});
