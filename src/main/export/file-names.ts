import path from 'node:path';

/**
 * The file name of each photo's copy in an output folder: its own name with `.jpg`, and
 * `name (2).jpg`, `name (3).jpg`… for later photos with the same name from other folders.
 * Names are given over every photo passed in, in id order, so a photo keeps its copy's name from
 * one export to the next whatever else is selected (ids only grow as photos are added).
 * Compared without case, as on macOS and Windows disks.
 */
export function copyFileNames(photos: readonly { id: number; path: string }[]): Map<number, string> {
  const names = new Map<number, string>();
  const taken = new Set<string>();
  for (const photo of [...photos].sort((a, b) => a.id - b.id)) {
    const stem = safeStem(photo.path);
    let name = `${stem}.jpg`;
    for (let copy = 2; taken.has(name.toLowerCase()); copy++) name = `${stem} (${copy}).jpg`;
    taken.add(name.toLowerCase());
    names.set(photo.id, name);
  }
  return names;
}

/** The file name without its extension, never empty and never a path of its own. */
function safeStem(file: string): string {
  const base = path.basename(file.replaceAll('\\', '/'));
  const stem = base.slice(0, base.length - path.extname(base).length) || base;
  // Characters Windows refuses in names, and control characters, become "_".
  const cleaned = [...stem].map((c) => (c.charCodeAt(0) < 32 || '/\\:*?"<>|'.includes(c) ? '_' : c)).join('');
  return cleaned || 'photo';
}
