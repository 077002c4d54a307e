import { describe, expect, it, vi } from 'vitest';
import { LIBRARY_API_METHODS, type KindredBridge } from '../../src/common/api';

type Listener = (event: unknown, payload: unknown) => void;

// The sandboxed preload sees only 'electron': a fake records what it exposes and invokes.
const electron = vi.hoisted(() => {
  const listeners = new Map<string, Listener[]>();
  return {
    listeners,
    exposed: {} as Record<string, unknown>,
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, value: unknown) => {
        electron.exposed[key] = value;
      }),
    },
    ipcRenderer: {
      invoke: vi.fn(async () => 'answer'),
      on: vi.fn((channel: string, listener: Listener) =>
        listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
      ),
      removeListener: vi.fn((channel: string, listener: Listener) =>
        listeners.set(
          channel,
          (listeners.get(channel) ?? []).filter((other) => other !== listener),
        ),
      ),
    },
  };
});
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));
await import('../../src/preload/index');
const bridge = electron.exposed.kindred as KindredBridge;

describe('the preload bridge', () => {
  it('exposes window.kindred with every API method, subscribe and chooseFolder, and nothing else', () => {
    expect(Object.keys(electron.exposed)).toEqual(['kindred']);
    expect(Object.keys(bridge).sort()).toEqual([...LIBRARY_API_METHODS, 'subscribe', 'chooseFolder'].sort());
  });

  it('asks main for a folder to write exports to, and for a photo folder otherwise', async () => {
    await bridge.chooseFolder!('export');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:choose-folder', 'export');
    await bridge.chooseFolder!();
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:choose-folder', 'photos');
  });

  it("passes the Identify dialog's purposes on, and nothing else a page might send", async () => {
    await bridge.chooseFolder!('known');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:choose-folder', 'known');
    await bridge.chooseFolder!('unknown');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:choose-folder', 'unknown');
    await bridge.chooseFolder!('identified');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:choose-folder', 'identified');
    await (bridge.chooseFolder as (purpose: unknown) => Promise<string | null>)({ toString: () => 'known' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:choose-folder', 'photos');
  });

  it('turns each call into one invoke on the kindred:<method> channel', async () => {
    await expect(bridge.getPhoto({ photoId: 3 })).resolves.toBe('answer');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:getPhoto', { photoId: 3 });
    await bridge.listFolders();
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('kindred:listFolders');
  });

  it('hands listeners the event alone, never the IPC event with its sender, and unsubscribes', () => {
    const received: unknown[] = [];
    const stop = bridge.subscribe((event) => received.push(event));
    const [listener] = electron.listeners.get('kindred:event')!;
    listener({ sender: 'secret' }, { type: 'library-changed' });
    expect(received).toEqual([{ type: 'library-changed' }]);
    stop();
    expect(electron.listeners.get('kindred:event')).toEqual([]);
  });
});
