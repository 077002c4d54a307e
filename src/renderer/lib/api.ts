import { MEDIA_SCHEME, type KindredBridge, type MediaKind } from '../../common/api';
import { httpBridge } from './http-bridge';

let bridge: KindredBridge | undefined;

/** The library of this window: the preload's bridge in Electron, HTTP in browser mode. */
export function libraryApi(): KindredBridge {
  bridge ??= window.kindred ?? httpBridge();
  return bridge;
}

/** Where an image comes from: the app's protocol in Electron, the server's /media/ in a browser. */
export function mediaUrl(kind: MediaKind, id: number): string {
  return window.kindred ? `${MEDIA_SCHEME}://media/${kind}/${id}` : `/media/${kind}/${id}`;
}
