import { BrowserWindow, shell, type WebContents, type WebPreferences } from 'electron';
import { isAppUrl, isWebUrl } from './app-url';

/** The renderer gets no Node, no Electron, and only what the preload hands over the context bridge. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    // A photo dropped on the window must not replace the app with the file.
    navigateOnDragDrop: false,
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  /** The renderer URL (see resolveRendererUrl); the only place the window may navigate to. */
  appUrl: string;
}

/** Creates the main window; the caller loads `appUrl` into it. */
export function createMainWindow({ preloadPath, appUrl }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Kindred',
    backgroundColor: '#f7f6f3',
    // Shown once painted, to avoid a white flash.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  keepInsideApp(window.webContents, appUrl);
  return window;
}

/**
 * No remote content: navigation away from the app is cancelled, new windows are denied, and web links
 * open in the user's browser instead.
 */
export function keepInsideApp(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, appUrl)) return;
    event.preventDefault();
    openInBrowser(event.url);
  });
  // A redirect is the server's doing, not a link the user chose: cancel it without opening anything.
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
}

function openInBrowser(url: string): void {
  if (!isWebUrl(url)) return;
  shell.openExternal(url).catch((error: unknown) => {
    console.warn(`kindred: could not open ${url} in the browser:`, error);
  });
}
