import fs from 'node:fs';
import { protocol } from 'electron';
import { MEDIA_SCHEME } from '../../common/api';
import { MediaNotFoundError, type MediaService } from '../services/media';

/** The one host of media URLs: kindred-media://media/<kind>/<id>. */
const MEDIA_HOST = 'media';

/** Must run before the app is ready: the scheme behaves like https (origin, fetch, CSP). */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Answers a media request: thumbnails, face crops and photos by id of the library, nothing else.
 * A path, another host or an id the library does not have gets 404; the file system is never
 * reached with anything the renderer wrote.
 */
export async function mediaResponse(
  requestUrl: string,
  media: Pick<MediaService, 'fromPath'>,
): Promise<Response> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return notFound('Not a media address.');
  }
  // Exactly kindred-media://media/<kind>/<id>: no query, fragment, port or credentials either.
  if (
    url.protocol !== `${MEDIA_SCHEME}:` ||
    url.host !== MEDIA_HOST ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return notFound('Not a media address.');
  }
  try {
    const file = await media.fromPath(url.pathname);
    const data = await fs.promises.readFile(file.file);
    return new Response(new Uint8Array(data), {
      status: 200,
      headers: { 'Content-Type': file.contentType, 'Cache-Control': 'private, max-age=604800' },
    });
  } catch (error) {
    if (error instanceof MediaNotFoundError) return notFound(error.message);
    console.error('kindred: media request failed:', error);
    return new Response('Could not make the image.', { status: 500 });
  }
}

/** Serves media on the session's protocol handler. */
export function handleMediaProtocol(media: Pick<MediaService, 'fromPath'>): void {
  protocol.handle(MEDIA_SCHEME, (request) => mediaResponse(request.url, media));
}

function notFound(message: string): Response {
  return new Response(message, { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
