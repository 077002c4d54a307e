/**
 * Browser mode: the renderer and the LibraryApi over HTTP on 127.0.0.1 only. Every request needs
 * the random token `kindred serve` prints, first in the URL, then in an HttpOnly cookie; API
 * arguments go through the same schemas as IPC; images are served by id, never by path.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { LIBRARY_API_METHODS, type LibraryApi, type LibraryEvent } from '../../common/api';
import { LibraryBusyError, LibraryStorageError } from '../db/storage-errors';
import { ApiArgumentError, validateArguments } from '../services/api-schemas';
import { UserInputError } from '../services/errors';
import { MediaNotFoundError, type MediaService } from '../services/media';
import { BROWSER_CONTENT_SECURITY_POLICY } from './csp';
import { tokenMatches } from './token';

export interface ServeOptions {
  api: LibraryApi;
  subscribe: (listener: (event: LibraryEvent) => void) => () => void;
  media: Pick<MediaService, 'fromPath'>;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  /** Fixed in tests; random otherwise. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'kindred_token';
const MAX_BODY_BYTES = 1024 * 1024;
const METHODS = new Set<string>(LIBRARY_API_METHODS);
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const server = http.createServer();
  const streams = new Set<http.ServerResponse>();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const handler = new RequestHandler({ ...options, token, port, streams });
  server.on('request', (request, response) => {
    handler.handle(request, response).catch((error: unknown) => {
      console.error('kindred serve: request failed:', error);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Internal error.');
      else response.destroy();
    });
  });
  const unsubscribe = options.subscribe((event) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

class RequestHandler {
  private readonly allowedHosts: Set<string>;

  constructor(
    private readonly options: ServeOptions & {
      token: string;
      port: number;
      streams: Set<http.ServerResponse>;
    },
  ) {
    // A page elsewhere could point its own domain name at 127.0.0.1 (DNS rebinding): only our names.
    this.allowedHosts = new Set([`127.0.0.1:${options.port}`, `localhost:${options.port}`]);
  }

  async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (!this.allowedHosts.has(request.headers.host ?? '')) {
      return send(response, 403, 'text/plain; charset=utf-8', 'Refused: unknown Host.');
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    } catch {
      // A request target no URL parser accepts (`http://[`): the client's mistake, not ours.
      return send(response, 400, 'text/plain; charset=utf-8', 'Bad address.');
    }
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && this.isToken(fromQuery) && request.method === 'GET') {
      // Trade the token in the address for a cookie, and drop it from the address bar.
      url.searchParams.delete('token');
      response.writeHead(303, {
        // One leading slash: `/.//evil.example/` normalises to a path starting `//`, which a
        // browser would follow to another site.
        Location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
        'Set-Cookie': `${COOKIE}=${this.options.token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      response.end();
      return;
    }
    if (!this.isToken(readCookie(request.headers.cookie, COOKIE))) {
      return send(
        response,
        401,
        'text/plain; charset=utf-8',
        'Kindred: this address needs the token. Open the full address that `kindred serve` printed.',
      );
    }
    if (url.pathname.startsWith('/api/')) return this.api(request, response, url.pathname.slice(5));
    if (url.pathname.startsWith('/media/')) return this.media(request, response, url.pathname.slice(7));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
    }
    return this.staticFile(response, url.pathname);
  }

  private isToken(candidate: string | null | undefined): boolean {
    return tokenMatches(candidate, this.options.token);
  }

  private async api(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    method: string,
  ): Promise<void> {
    if (method === 'events' && request.method === 'GET') return this.events(request, response);
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'Use POST for API calls.' });
    // A form on another site cannot send JSON: this and the SameSite cookie keep cross-site calls out.
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(response, 415, { error: 'API calls send application/json.' });
    }
    if (!METHODS.has(method)) return sendJson(response, 404, { error: `There is no method "${method}".` });
    let body: unknown;
    try {
      body = await readJson(request);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The rest of the body is not read: the connection cannot carry another request.
        response.setHeader('Connection', 'close');
        return sendJson(response, 413, { error: error.message });
      }
      return sendJson(response, 400, { error: (error as Error).message });
    }
    try {
      // The body is the method's argument list: [] or [options].
      if (!Array.isArray(body))
        throw new ApiArgumentError('The request body must be a JSON array of arguments.');
      const argument = validateArguments(method, body);
      const call = this.options.api[method as keyof LibraryApi] as (
        this: LibraryApi,
        arg?: unknown,
      ) => Promise<unknown>;
      const result = await call.call(this.options.api, argument);
      return sendJson(response, 200, { result: result ?? null });
    } catch (error) {
      if (error instanceof ApiArgumentError || error instanceof UserInputError) {
        return sendJson(response, 400, { error: error.message });
      }
      // The library's storage, not the request: busy (try again) or full / read-only (free space).
      if (error instanceof LibraryBusyError) return sendJson(response, 503, { error: error.message });
      if (error instanceof LibraryStorageError) return sendJson(response, 507, { error: error.message });
      console.error(`kindred serve: ${method} failed:`, error);
      return sendJson(response, 500, { error: `${method} failed: ${(error as Error).message ?? error}` });
    }
  }

  private events(request: http.IncomingMessage, response: http.ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    this.options.streams.add(response);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 25_000);
    request.on('close', () => {
      clearInterval(keepAlive);
      this.options.streams.delete(response);
    });
  }

  private async media(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    mediaPath: string,
  ): Promise<void> {
    let file;
    try {
      file = await this.options.media.fromPath(mediaPath);
    } catch (error) {
      if (error instanceof MediaNotFoundError)
        return send(response, 404, 'text/plain; charset=utf-8', error.message);
      throw error;
    }
    // The cache file is named by content hash: its name is a strong validator.
    const etag = `"${path.basename(file.file, path.extname(file.file))}"`;
    const headers = {
      'Content-Type': file.contentType,
      // Ids are stable; a week is long enough to scroll without refetching, short enough for edits.
      'Cache-Control': 'private, max-age=604800',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    const data = await fs.promises.readFile(file.file);
    response.writeHead(200, { ...headers, 'Content-Length': data.length });
    response.end(request.method === 'HEAD' ? undefined : data);
  }

  private async staticFile(response: http.ServerResponse, pathname: string): Promise<void> {
    const root = path.resolve(this.options.rendererDir);
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return send(response, 400, 'text/plain; charset=utf-8', 'Bad address.');
    }
    const wanted = path.resolve(root, `.${path.posix.normalize(relative)}`);
    const inside = wanted === root || wanted.startsWith(root + path.sep);
    const extension = path.extname(wanted);
    // Paths without an extension are the app's own views: serve the page.
    const file = !inside ? null : extension === '' ? path.join(root, 'index.html') : wanted;
    const type = file ? CONTENT_TYPES[path.extname(file)] : undefined;
    if (!file || !type) return send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
    let data: Buffer;
    try {
      data = await fs.promises.readFile(file);
    } catch {
      return send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
    }
    const isPage = type.startsWith('text/html');
    response.writeHead(200, {
      'Content-Type': type,
      'Content-Length': data.length,
      // Built assets carry a content hash in their names; the page itself must always be fresh.
      'Cache-Control': isPage ? 'no-store' : 'private, max-age=31536000, immutable',
      'Content-Security-Policy': BROWSER_CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    });
    response.end(data);
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

class BodyTooLargeError extends Error {}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new BodyTooLargeError(`The request body is larger than ${MAX_BODY_BYTES / 2 ** 20} MiB.`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return [];
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('The request body is not valid JSON.');
  }
}

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(body);
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
