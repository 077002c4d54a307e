/**
 * Electron composition root: app lifecycle, the window, and the wiring of the library behind IPC.
 * With src/main/platform, the only code that imports 'electron'.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { LIBRARY_API_METHODS, type LibraryApi } from '../common/api';
import { registerLibraryIpc } from './ipc/register';
import { isAppUrl, resolveRendererUrl } from './platform/app-url';
import { installContentSecurityPolicy } from './platform/csp';
import { createMainWindow } from './platform/window';

/**
 * WIRING POINT — the library service.
 * The LibraryService (src/main/services) is not wired yet: until it is, every call fails with a message
 * the renderer shows. Replace this function's body with the real service, built from the library path.
 */
function createLibraryApi(): LibraryApi {
  const notWired = (method: string) => async (): Promise<never> => {
    throw new Error(`${method} is not wired yet: the library service is not connected to the app.`);
  };
  return Object.fromEntries(
    LIBRARY_API_METHODS.map((method) => [method, notWired(method)]),
  ) as unknown as LibraryApi;
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
  registerLibraryIpc(ipcMain, createLibraryApi(), {
    isTrustedSender: (event) => isAppUrl(event.senderFrame?.url ?? '', appUrl),
  });
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
