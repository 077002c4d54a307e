/**
 * The only bridge between the renderer and the main process: `window.kindred`, one function per
 * LibraryApi method (each a single `ipcRenderer.invoke`), `subscribe` for events and
 * `chooseFolder` for the native dialog. Nothing else (no ipcRenderer, no Node) is exposed.
 * This runs sandboxed, so the build inlines src/common into this one file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  LIBRARY_API_METHODS,
  type FolderPurpose,
  type KindredBridge,
  type LibraryEvent,
} from '../common/api';

// The channel names match src/main/ipc/register.ts, which the preload may not import.
const EVENT_CHANNEL = 'kindred:event';
const CHOOSE_FOLDER_CHANNEL = 'kindred:choose-folder';

const methods = Object.fromEntries(
  LIBRARY_API_METHODS.map((method) => [
    method,
    (arg?: unknown) => ipcRenderer.invoke(`kindred:${method}`, ...(arg === undefined ? [] : [arg])),
  ]),
);

const bridge = {
  ...methods,
  subscribe(listener: (event: LibraryEvent) => void): () => void {
    // Only the event object crosses over: never Electron's IpcRendererEvent (it holds the sender).
    const forward = (_event: IpcRendererEvent, payload: LibraryEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
  // Only the purposes main knows cross over; anything else asks for a folder of photos.
  chooseFolder: (purpose?: FolderPurpose): Promise<string | null> =>
    ipcRenderer.invoke(
      CHOOSE_FOLDER_CHANNEL,
      purpose === 'export' || purpose === 'known' || purpose === 'unknown' || purpose === 'identified'
        ? purpose
        : 'photos',
    ),
} as unknown as KindredBridge;

contextBridge.exposeInMainWorld('kindred', bridge);
