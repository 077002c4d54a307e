import fs from 'node:fs';

/**
 * Whether a library folder can be read now. A missing root is an unplugged drive or an
 * unmounted share; so is an empty root where the library knows photos, because an unmounted
 * mount point is an empty folder. Offline folders keep their photos: nothing is deleted.
 */
export function isFolderOnline(root: string, knownPhotos: number): boolean {
  try {
    if (!fs.statSync(root).isDirectory()) return false;
    return knownPhotos === 0 || fs.readdirSync(root).length > 0;
  } catch {
    return false;
  }
}
