/**
 * Issue 7 §6 through the HTTP door: fast-check throws random and malformed arguments at every
 * `POST /api/<method>` of `kindred serve` (in-process, real AppApi, real scanned library), and
 * junk bodies and method names at the API as a whole. Every answer is 200, or a 4xx with a JSON
 * `{error}` message — never a 500 or a stack — and a refused call leaves the library unchanged.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_API_METHODS } from '../../../src/common/api';
import { startServer, type RunningServer } from '../../../src/main/server/http';
import { tempDir } from '../../support/fixtures';
import { argumentsFor, RUNS_PER_METHOD } from '../../support/hostile-args';
import { librarySnapshot } from '../../support/library-snapshot';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

const TOKEN = 'fuzz-token-0123456789abcdef0123';
let scanned: ScannedLibrary;
let server: RunningServer;
let renderer: { dir: string; cleanup: () => void };

interface Reply {
  status: number;
  type: string;
  body: string;
}

function post(target: string, body: string, contentType = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: target,
        method: 'POST',
        headers: { 'Content-Type': contentType, Cookie: `kindred_token=${TOKEN}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }),
        );
      },
    );
    // The server may answer (413/400) before reading a huge body; that is not a client failure.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    req.end(body);
  });
}

/** A refusal: a 4xx with a one-object JSON body whose `error` is a message, no stack. */
function expectCleanRefusal(reply: Reply, what: string): void {
  expect(reply.status, `${what} → ${reply.status} ${reply.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(reply.status, `${what} → ${reply.status} ${reply.body.slice(0, 300)}`).toBeLessThan(500);
  expect(reply.type).toMatch(/^application\/json/);
  const parsed = JSON.parse(reply.body) as { error?: unknown };
  expect(typeof parsed.error).toBe('string');
  expect(parsed.error).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  scanned = await scannedLibrary(['groups/bbt3.jpg', 'misc/curie_upright.jpg', 'people/amy/amy1.png']);
  const [person] = await scanned.api.listPeople();
  if (person) await scanned.api.namePerson({ personId: person.id, name: 'Ada' });
  renderer = tempDir('kindred-renderer-');
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html><title>Kindred</title>');
  server = await startServer({
    api: scanned.api,
    subscribe: (listener) => scanned.api.subscribe(listener),
    media: scanned.media,
    rendererDir: renderer.dir,
    token: TOKEN,
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  scanned?.lib.cleanup();
  renderer?.cleanup();
});

describe('every HTTP API method, random and malformed arguments', () => {
  it.each(LIBRARY_API_METHODS.map((method) => [method]))('%s', async (method) => {
    const db = scanned.library.deps.db;
    await fc.assert(
      fc.asyncProperty(argumentsFor(method), async (args) => {
        const before = librarySnapshot(db);
        const body = JSON.stringify(args);
        const reply = await post(`/api/${method}`, body);
        const what = `${method}(${body.length > 300 ? `${body.slice(0, 300)}…` : body})`;
        if (reply.status === 200) {
          expect(JSON.parse(reply.body)).toHaveProperty('result');
          await scanned.api.idle();
          return;
        }
        expectCleanRefusal(reply, what);
        expect(librarySnapshot(db), `${what} was refused but changed the library`).toBe(before);
      }),
      { numRuns: RUNS_PER_METHOD },
    );
  });
});

describe('the API as a whole', () => {
  it('refuses junk bodies cleanly and unchanged', async () => {
    const db = scanned.library.deps.db;
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.constantFrom(
        '',
        '{',
        'null',
        '{"__proto__": {"polluted": true}}',
        '[{"__proto__": {"polluted": true}}]',
        '[{"constructor": {"prototype": {"polluted": true}}}]',
        '['.repeat(100_000),
        `[${'['.repeat(5000)}${']'.repeat(5000)}]`,
        `[${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}]`,
        JSON.stringify(['x'.repeat(2 * 1024 * 1024)]),
        '\u0000\u0001\u0002',
        '[1,2,3]',
      ),
    );
    await fc.assert(
      fc.asyncProperty(junk, fc.constantFrom(...LIBRARY_API_METHODS), async (body, method) => {
        const before = librarySnapshot(db);
        const reply = await post(`/api/${method}`, body);
        if (reply.status === 200) {
          await scanned.api.idle();
          return;
        }
        expectCleanRefusal(reply, `${method} ← ${body.slice(0, 200)}`);
        expect(librarySnapshot(db)).toBe(before);
      }),
      { numRuns: 150 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'subscribe',
    'idle',
    'library',
    'isScanning',
    'notifyLibraryChanged',
    '..%2f..%2fetc%2fpasswd',
    '',
  ])('answers a method that is not in the API (%j) with 404, calling nothing', async (method) => {
    const reply = await post(`/api/${method}`, '[]');
    expectCleanRefusal(reply, method);
    expect(reply.status).toBe(404);
  });

  it('answers a body over 1 MiB with 413 and closes that connection', async () => {
    const reply = await post('/api/listPhotos', JSON.stringify([{ status: 'x'.repeat(2 * 2 ** 20) }]));
    expectCleanRefusal(reply, 'a 2 MiB body');
    expect(reply.status).toBe(413);
    // Before the fix the abandoned keep-alive connection was reused and the next call was reset.
    expect((await post('/api/listFolders', '[]')).status).toBe(200);
  });

  it('still answers a good call after all of that', async () => {
    const reply = await post('/api/listFolders', '[]');
    expect(reply.status).toBe(200);
  });
});
