import fs from 'node:fs';

/**
 * Whether a library folder can be read now. A missing root is an unplugged drive or an
 * unmounted share; so is an empty root where the library knows photos, because an unmounted
 * mount point is an empty folder. Offline folders keep their photos: nothing is deleted.
 */
export function isFolderOnline(root: string, knownPhotos: number): boolean {
  try {
    if (!fs.statSync(root).isDirectory()) return false;
    return knownPhotos === 0 || !isEmptyFolder(root);
  } catch {
    return false;
  }
}

/** Reads one entry, not the whole listing (a root may hold thousands of photos). */
function isEmptyFolder(dir: string): boolean {
  const handle = fs.opendirSync(dir);
  try {
    return handle.readSync() === null;
  } finally {
    handle.closeSync();
  }
}
