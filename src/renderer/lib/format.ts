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

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "May 2024" from "2024-05"; null (no date) reads "Undated". */
export function formatMonth(month: string | null): string {
  if (!month) return 'Undated';
  const [year, number] = month.split('-');
  return `${MONTHS[Number(number) - 1] ?? number} ${year}`;
}

/** "14 May 2024, 15:02" from an ISO time as the camera wrote it (its own clock, not converted). */
export function formatTakenAt(takenAt: string | null): string {
  if (!takenAt) return 'Date unknown';
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(takenAt);
  if (!match) return takenAt;
  const [, year, month, day, hour, minute] = match;
  const date = `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
  return hour ? `${date}, ${hour}:${minute}` : date;
}

export { plural } from '../../common/plural';

/** "2 min 5 s", "40 s", for an ETA. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function personLabel(person: { id: number; name: string | null }): string {
  return person.name ?? `Person ${person.id}`;
}
