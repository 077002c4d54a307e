import { vi } from 'vitest';
import { LIBRARY_API_METHODS, type KindredBridge } from '../../src/common/api';
import { LibraryState } from '../../src/renderer/lib/state/library.svelte';

export type FakeBridge = { [K in keyof KindredBridge]-?: ReturnType<typeof vi.fn> };

/** A LibraryState over spies: every API method resolves to `{ message: 'ok' }` unless told otherwise. */
export function fakeLibrary(
  overrides: Partial<Record<keyof KindredBridge, (...args: never[]) => unknown>> = {},
) {
  const api = Object.fromEntries(
    LIBRARY_API_METHODS.map((method) => [method, vi.fn(async () => ({ message: `${method} ok` }))]),
  ) as unknown as FakeBridge;
  api.reviewGroups = vi.fn(async () => []);
  api.subscribe = vi.fn(() => () => {});
  for (const [method, implementation] of Object.entries(overrides)) {
    api[method as keyof KindredBridge] = vi.fn(implementation as (...args: unknown[]) => unknown);
  }
  return { api, library: new LibraryState(api as unknown as KindredBridge) };
}
