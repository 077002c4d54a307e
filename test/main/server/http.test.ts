import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main/server/http';
import { tempDir } from '../../support/fixtures';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

const TOKEN = 'test-token-0123456789abcdef';
let scanned: ScannedLibrary;
let server: RunningServer;
let renderer: { dir: string; cleanup: () => void };

/** A raw request: the path is sent exactly as written (no URL normalisation by a client). */
function request(
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; cookie?: boolean } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie !== false) headers.Cookie ??= `kindred_token=${TOKEN}`;
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, method: options.method ?? 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const call = (method: string, args: unknown, headers: Record<string, string> = {}) =>
  request(`/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(args),
  });

beforeAll(async () => {
  scanned = await scannedLibrary(['groups/bbt3.jpg']);
  renderer = tempDir('kindred-renderer-');
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html><title>Kindred</title>');
  server = await startServer({
    api: scanned.api,
    subscribe: (listener) => scanned.api.subscribe(listener),
    media: scanned.media,
    rendererDir: renderer.dir,
    token: TOKEN,
  });
});

afterAll(async () => {
  await server.close();
  scanned.lib.cleanup();
  renderer.cleanup();
});

describe('browser mode server', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it.each(['/', '/index.html', '/media/thumb/1', '/api/events'])(
    'refuses %s without the token',
    async (url) => {
      const response = await request(url, { cookie: false });
      expect(response.status).toBe(401);
      expect(response.body).not.toContain('<title>Kindred');
    },
  );

  it('refuses an API call without the token', async () => {
    const response = await call('listPeople', [], { Cookie: 'kindred_token=nope' });
    expect(response.status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly, SameSite cookie and drops it from the address', async () => {
    const response = await request(`/?token=${TOKEN}`, { cookie: false });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(response.headers['set-cookie']?.[0]).toMatch(
      new RegExp(`^kindred_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`),
    );
  });

  it('serves the page with a strict Content-Security-Policy once the cookie is there', async () => {
    const response = await request('/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>Kindred');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses a Host it does not serve (DNS rebinding)', async () => {
    const response = await request('/', { headers: { Host: `evil.example:${server.port}` } });
    expect(response.status).toBe(403);
  });

  it.each([
    '/../../../etc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/hostname',
    '/assets/../../x.js',
  ])('never serves a file outside the renderer (%s)', async (url) => {
    const response = await request(url);
    expect(response.body).not.toMatch(/root:|localhost/);
    expect([200, 404]).toContain(response.status);
    if (response.status === 200) expect(response.body).toContain('<title>Kindred');
  });

  it('answers API calls with the same validation as IPC', async () => {
    const [photo] = await scanned.api.listPhotos();
    const ok = await call('getPhoto', [{ photoId: photo.id }]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result.faces).toHaveLength(5);

    const bad = await call('getPhoto', [{ photoId: '../etc/passwd' }]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/Invalid argument to getPhoto: photoId/);
    expect((await call('getPhoto', { photoId: 1 })).status).toBe(400);
    expect((await call('mergePeople', [{ personIds: [], intoId: 1 }])).status).toBe(400);
    expect((await call('noSuchMethod', [])).status).toBe(404);
  });

  it('reports what the library does not have as a 400 with a message', async () => {
    const response = await call('getPerson', [{ personId: 424242 }]);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error).toMatch(/No person #424242/);
  });

  it('accepts only JSON for API calls, and only POST', async () => {
    const form = await request('/api/listPeople', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    expect((await request('/api/listPeople')).status).toBe(405);
  });

  it('serves images by id only, with long cache headers', async () => {
    const [photo] = await scanned.api.listPhotos();
    const thumb = await request(`/media/thumb/${photo.id}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['cache-control']).toMatch(/max-age=\d{6,}/);
    const again = await request(`/media/thumb/${photo.id}`, {
      headers: { 'If-None-Match': thumb.headers.etag! },
    });
    expect(again.status).toBe(304);
    expect((await request('/media/thumb/99999')).status).toBe(404);
    expect((await request('/media/photo/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await request(`/media/file/${photo.id}`)).status).toBe(404);
  });
});
