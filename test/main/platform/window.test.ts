import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

// A stand-in for the few Electron classes the window module touches: require('electron') throws in Node.
const electron = vi.hoisted(() => {
  class FakeWebContents {
    listeners = new Map<string, Listener[]>();
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    webContents = new FakeWebContents();
    constructor(public options: Record<string, unknown>) {
      FakeBrowserWindow.created.push(this);
    }
    once(): this {
      return this;
    }
    show(): void {}
  }
  return { BrowserWindow: FakeBrowserWindow, shell: { openExternal: vi.fn(async () => undefined) } };
});
vi.mock('electron', () => electron);

const { createMainWindow } = await import('../../../src/main/platform/window');

const APP_URL = 'file:///opt/kindred/out/renderer/index.html';

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('createMainWindow', () => {
  beforeEach(() => {
    electron.BrowserWindow.created.length = 0;
    electron.shell.openExternal.mockClear();
  });

  function open() {
    createMainWindow({ preloadPath: '/opt/kindred/out/preload/index.js', appUrl: APP_URL });
    const [window] = electron.BrowserWindow.created;
    return window;
  }

  it('isolates and sandboxes the renderer', () => {
    const window = open();
    expect(electron.BrowserWindow.created).toHaveLength(1);
    expect(window.options.webPreferences).toMatchObject({
      preload: '/opt/kindred/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('prevents navigation to a remote URL and opens it in the browser instead', () => {
    const { webContents } = open();
    const event = navigationEvent('https://example.com/phish');
    webContents.emit('will-navigate', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/phish');
  });

  it('prevents navigation to other local files without opening them', () => {
    const { webContents } = open();
    const event = navigationEvent('file:///etc/passwd');
    webContents.emit('will-navigate', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('lets the app navigate within itself', () => {
    const { webContents } = open();
    const event = navigationEvent(`${APP_URL}#/people`);
    webContents.emit('will-navigate', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });

  it('cancels redirects away from the app', () => {
    const { webContents } = open();
    const event = navigationEvent('https://example.com/');
    webContents.emit('will-redirect', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('denies window.open, handing web links to the browser', () => {
    const { webContents } = open();
    expect(webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/');
    expect(webContents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses <webview> tags', () => {
    const { webContents } = open();
    const event = { preventDefault: vi.fn() };
    webContents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});
