import { LIBRARY_API_METHODS, type KindredBridge, type LibraryEvent } from '../../common/api';

/**
 * Browser mode's window.kindred: each LibraryApi method is a POST to /api/<method> with its
 * arguments as a JSON array; events arrive over /api/events. The token lives in an HttpOnly
 * cookie that the browser sends by itself (same origin).
 */
export function httpBridge(fetchImpl: typeof fetch = (...args) => fetch(...args)): KindredBridge {
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    const response = await fetchImpl(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
      credentials: 'same-origin',
    });
    const body = (await response.json().catch(() => null)) as { result?: unknown; error?: string } | null;
    if (!response.ok || !body) {
      throw new Error(body?.error ?? `The library did not answer (HTTP ${response.status}).`);
    }
    return body.result;
  };
  const methods = Object.fromEntries(
    LIBRARY_API_METHODS.map((method) => [
      method,
      (arg?: unknown) => call(method, arg === undefined ? [] : [arg]),
    ]),
  );
  return {
    ...methods,
    subscribe(listener: (event: LibraryEvent) => void): () => void {
      const source = new EventSource('/api/events');
      source.onmessage = (message) => listener(JSON.parse(message.data as string) as LibraryEvent);
      return () => source.close();
    },
  } as unknown as KindredBridge;
}
