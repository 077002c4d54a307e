import type { PhotoSummary } from '../../common/api';

/** "4032 × 3024", or an em dash before the photo has been decoded. */
export function formatDimensions(photo: Pick<PhotoSummary, 'width' | 'height'>): string {
  return photo.width === null || photo.height === null ? '—' : `${photo.width} × ${photo.height}`;
}

/** Splits an absolute path (POSIX or Windows) into its folder and file name. */
export function splitPath(path: string): { folder: string; name: string } {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return { folder: path.slice(0, cut + 1), name: path.slice(cut + 1) };
}

/** The message of whatever was thrown, without Electron's "Error invoking remote method" wrapper. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
