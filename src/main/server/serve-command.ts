import fs from 'node:fs';
import path from 'node:path';
import { resolveLibrary } from '../library-paths';
import { openLibrary } from '../open-library';
import { AppApi } from '../services/app-api';
import { MediaService } from '../services/media';
import { ViewsRepository } from '../repositories/views';
import { startAppWatcher } from '../watcher/app-watcher';
import { holdIndexingLock } from '../library-lock/app-lock';
import { startServer, type RunningServer } from './http';
import { withClearStorageErrors } from '../services/clear-storage-errors';

export class ServeUsageError extends Error {
  override name = 'UserInputError';
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServeUsageError(
      `--port must be a whole number from 0 to 65535 (got "${value}"); 0 picks a free port.`,
    );
  }
  return port;
}

/**
 * `kindred serve`: opens the library and serves the app on 127.0.0.1 until stopped (Ctrl+C).
 * Prints exactly one line on stdout, the address with its token.
 */
export async function runServe(options: {
  library?: string;
  port?: string;
  /** Keep the library in step with its folders while serving (default). */
  watch?: boolean;
}): Promise<RunningServer> {
  const port = parsePort(options.port);
  const location = resolveLibrary(options.library);
  const library = openLibrary(location);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const lock = holdIndexingLock(location.dir, 'kindred serve', log);
  const api = withClearStorageErrors(new AppApi(library, () => lock.ready()), location.dir);
  let server: RunningServer;
  try {
    server = await startServer({
      api,
      subscribe: (listener) => api.subscribe(listener),
      media: new MediaService(new ViewsRepository(library.deps.db), location.cacheDir),
      rendererDir: findRendererDir(),
      port,
    });
  } catch (error) {
    lock.release();
    library.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ServeUsageError(
        `Port ${port} is in use: choose another with --port N (or 0 for any free port).`,
      );
    }
    throw error;
  }
  const watcher = options.watch === false ? undefined : startAppWatcher(library, api, log, lock.ready());
  const stop = () => {
    // An interrupted scan leaves its photos pending; the next scan finishes them.
    void Promise.allSettled([watcher?.close(), server.close()]).finally(() => {
      lock.release();
      library.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Only now: whoever reads the address may stop the server at once, and must find the handlers.
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(
    `kindred: serving ${location.dir} on 127.0.0.1:${server.port}; press Ctrl+C to stop.\n`,
  );
  return server;
}

/** out/renderer, beside out/main: this code runs from out/main/cli.js or from a chunk in out/main/chunks. */
export function findRendererDir(start = __dirname): string {
  for (let dir = start, depth = 0; depth < 4; dir = path.dirname(dir), depth++) {
    const candidate = path.join(dir, '..', 'renderer');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return path.resolve(candidate);
  }
  throw new ServeUsageError(
    `The app's pages are not built (no out/renderer near ${start}): run npm run build.`,
  );
}
