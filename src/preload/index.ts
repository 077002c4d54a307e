/**
 * The only bridge between the renderer and the main process: `window.kindred`, one function per
 * LibraryApi method, each a single `ipcRenderer.invoke`. Nothing else (no ipcRenderer, no Node) is
 * exposed. This runs sandboxed, so the build inlines src/common into this one file.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { LIBRARY_API_METHODS, type LibraryApi } from '../common/api';

// The channel names match src/main/ipc/register.ts (channelOf), which the preload may not import.
const api = Object.fromEntries(
  LIBRARY_API_METHODS.map((method) => [
    method,
    (arg?: unknown) => ipcRenderer.invoke(`kindred:${method}`, arg),
  ]),
) as unknown as LibraryApi;

contextBridge.exposeInMainWorld('kindred', api);
