import { LIBRARY_API_METHODS, type LibraryApi } from '../../common/api';
import { validateArguments } from '../services/api-schemas';

/** The channel of a LibraryApi method; src/preload/index.ts invokes the same names. */
export const channelOf = (method: keyof LibraryApi): string => `kindred:${method}`;

/** Main → renderer: every LibraryEvent (scan progress, library changed). */
export const EVENT_CHANNEL = 'kindred:event';
/** Renderer → main: the native folder dialog (Electron only; browser mode types a path). */
export const CHOOSE_FOLDER_CHANNEL = 'kindred:choose-folder';

/**
 * The part of Electron's `ipcMain` this module needs. Declared here rather than imported so that IPC
 * stays free of 'electron' (only index.ts and platform/ load it) and is testable with a plain fake.
 */
export interface IpcHandlerRegistry {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void;
}

/** What this module reads from Electron's IpcMainInvokeEvent. */
export interface IpcInvokeEvent {
  senderFrame?: { url: string } | null;
}

export interface RegisterOptions {
  /** Refuses calls from frames that are not the app (see platform/app-url isAppUrl). Default: trust all. */
  isTrustedSender?: (event: IpcInvokeEvent) => boolean;
}

/** Registers one `kindred:<method>` handler per LibraryApi method, each delegating to `api`. */
export function registerLibraryIpc(
  ipc: IpcHandlerRegistry,
  api: LibraryApi,
  options: RegisterOptions = {},
): void {
  const { isTrustedSender = () => true } = options;
  for (const method of LIBRARY_API_METHODS) {
    ipc.handle(channelOf(method), async (event, ...args) => {
      if (!isTrustedSender(event)) {
        throw new Error(`kindred:${method} refused: the call did not come from the Kindred window.`);
      }
      // Checked against the method's schema: the renderer is untrusted.
      const arg = validateArguments(method, args);
      // Every method takes (options?) -> Promise; call through `api` to keep a service's `this`.
      const call = api[method] as (this: LibraryApi, options?: unknown) => Promise<unknown>;
      return call.call(api, arg);
    });
  }
}
