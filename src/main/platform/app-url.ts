/**
 * Where the renderer comes from, and whether a URL still belongs to it. Kept free of 'electron' so the
 * rules can be tested on their own.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The renderer URL: electron-vite's dev server during `npm run dev`, else the built index.html next to
 * out/main. The dev server is honoured only in an unpackaged app and only on loopback, so an
 * environment variable can never point a packaged window (and its preload API) at remote content.
 */
export function resolveRendererUrl(options: {
  devServerUrl: string | undefined;
  isPackaged: boolean;
  mainDir: string;
}): string {
  const { devServerUrl, isPackaged, mainDir } = options;
  if (devServerUrl && !isPackaged && isLoopbackHttpUrl(devServerUrl)) return devServerUrl;
  return pathToFileURL(join(mainDir, '..', 'renderer', 'index.html')).href;
}

/** True when `url` is the app itself: the same file (any query or hash), or the same dev-server origin. */
export function isAppUrl(url: string, appUrl: string): boolean {
  const candidate = parse(url);
  const app = parse(appUrl);
  if (!candidate || !app) return false;
  if (app.protocol === 'file:') return candidate.protocol === 'file:' && candidate.pathname === app.pathname;
  return candidate.origin === app.origin;
}

/** True for the links worth handing to the user's browser. */
export function isWebUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed?.protocol === 'https:' || parsed?.protocol === 'http:';
}

function isLoopbackHttpUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed?.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
