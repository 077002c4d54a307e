/**
 * Electron composition root: app lifecycle, the window, and the wiring of the library behind IPC.
 * With src/main/platform, the only code that imports 'electron'.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { registerLibraryIpc, EVENT_CHANNEL, CHOOSE_FOLDER_CHANNEL } from './ipc/register';
import { resolveLibrary } from './library-paths';
import { openLibrary } from './open-library';
import { handleMediaProtocol, registerMediaScheme } from './platform/media-protocol';
import { ViewsRepository } from './repositories/views';
import { AppApi } from './services/app-api';
import { MediaService } from './services/media';
import { startAppWatcher } from './watcher/app-watcher';
import { holdIndexingLock } from './library-lock/app-lock';
import { isAppUrl, resolveRendererUrl } from './platform/app-url';
import { installContentSecurityPolicy } from './platform/csp';
import { createMainWindow } from './platform/window';
import { withClearStorageErrors } from './services/clear-storage-errors';

/** The library of this app: --library is the CLI's; the app honours KINDRED_LIBRARY, else the platform default. */
function openAppLibrary(): { api: AppApi; media: MediaService } {
  const location = resolveLibrary(undefined);
  let library;
  try {
    library = openLibrary(location);
  } catch (error) {
    // The Node build of better-sqlite3 in node_modules does not load in Electron (another ABI).
    if (/NODE_MODULE_VERSION|was compiled against a different/.test(String(error))) {
      throw new Error(
        'The SQLite module was built for Node, not for Electron. Build it for Electron into ' +
          'build/electron/better_sqlite3.node (or set KINDRED_SQLITE_BINDING): see the README.',
        { cause: error },
      );
    }
    throw error;
  }
  const log = (line: string) => console.warn(line);
  const lock = holdIndexingLock(location.dir, 'the Kindred app', log);
  const api = withClearStorageErrors(new AppApi(library, () => lock.ready()), location.dir);
  const watcher = startAppWatcher(library, api, log, lock.ready());
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    // The watcher may be writing: let it finish its step before the database closes.
    closing = true;
    event.preventDefault();
    void watcher.close().finally(() => {
      lock.release();
      library.close();
      app.exit(0);
    });
  });
  return { api, media: new MediaService(new ViewsRepository(library.deps.db), location.cacheDir) };
}

// out/main/index.js sits next to out/preload and out/renderer.
const preloadPath = join(__dirname, '..', 'preload', 'index.js');
const appUrl = resolveRendererUrl({
  devServerUrl: process.env['ELECTRON_RENDERER_URL'],
  isPackaged: app.isPackaged,
  mainDir: __dirname,
});

let mainWindow: BrowserWindow | null = null;

function openMainWindow(): void {
  const window = createMainWindow({ preloadPath, appUrl });
  mainWindow = window;
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.loadURL(appUrl).catch((error: unknown) => fail('Kindred could not load its window', error));
}

function focusMainWindow(): void {
  if (!app.isReady()) return;
  if (!mainWindow) return openMainWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function start(): Promise<void> {
  await app.whenReady();
  installContentSecurityPolicy(session.defaultSession);
  const { api, media } = openAppLibrary();
  handleMediaProtocol(media);
  const isTrustedSender = (event: { senderFrame?: { url: string } | null }) =>
    isAppUrl(event.senderFrame?.url ?? '', appUrl);
  registerLibraryIpc(ipcMain, api, { isTrustedSender });
  ipcMain.handle(CHOOSE_FOLDER_CHANNEL, async (event, purpose: unknown) => {
    if (!isTrustedSender(event)) throw new Error('Refused: the call did not come from the Kindred window.');
    const window = BrowserWindow.fromWebContents(event.sender);
    // The Export dialog asks for a folder to write to: one that may not exist yet. The Identify
    // dialog asks for two folders to read and one to write to.
    const read = (title: string) => ({ title, properties: ['openDirectory' as const] });
    const write = (title: string, buttonLabel: string) => ({
      title,
      buttonLabel,
      properties: ['openDirectory' as const, 'createDirectory' as const, 'promptToCreate' as const],
    });
    const options =
      purpose === 'export'
        ? write('Choose the folder for the exported copies', 'Export here')
        : purpose === 'identified'
          ? write('Choose the folder for the annotated copies and results.csv', 'Write here')
          : purpose === 'known'
            ? read('Choose the folder of known people (a folder per person, or photos named after them)')
            : purpose === 'unknown'
              ? read('Choose the folder of photos to identify')
              : read('Add a folder of photos');
    const chosen = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
  });
  api.subscribe((event) => mainWindow?.webContents.send(EVENT_CHANNEL, event));
  openMainWindow();
}

function fail(title: string, error: unknown): void {
  console.error(`kindred: ${title}:`, error);
  dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
  app.exit(1);
}

// One library, one writer: a second launch focuses the running app instead of opening the database twice.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Sandbox every renderer, whatever a window's own preferences say.
  app.enableSandbox();
  registerMediaScheme();
  app.on('second-instance', focusMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // macOS keeps the app alive without windows; clicking the dock icon brings one back.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
  start().catch((error: unknown) => fail('Kindred could not start', error));
}
