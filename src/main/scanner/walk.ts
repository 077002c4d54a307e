import fs from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileFacts } from '../vision/read-file';

/**
 * File endings Kindred treats as photos. HEIC/HEIF are listed even where this build's decoder
 * cannot read them, so that such photos show up as failed with the reason instead of silently
 * missing. Camera RAW files are left out: they almost always sit beside a JPEG of the same shot.
 */
export const PHOTO_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.avif',
  '.heic',
  '.heif',
  '.tif',
  '.tiff',
  '.gif',
]);

export function isPhotoPath(filePath: string): boolean {
  return PHOTO_EXTENSIONS.has(path.extname(filePath).toLowerCase());
}

export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkProblem {
  path: string;
  message: string;
}

/**
 * Every photo file under `root`, recursively. Hidden files and folders are skipped, special
 * files (sockets, pipes, devices) ignored, and symbolic links followed only to places not
 * already visited, so a link back up the tree cannot loop.
 */
export async function walkPhotos(
  root: string,
  onProblem: (problem: WalkProblem) => void = () => {},
): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  const visitedDirs = new Set<string>();

  async function visitDir(dir: string): Promise<void> {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch (error) {
      onProblem({ path: dir, message: (error as Error).message });
      return;
    }
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      onProblem({
        path: dir,
        message: `cannot list folder (${(error as NodeJS.ErrnoException).code ?? error})`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await visitDir(full);
      } else if (entry.isFile()) {
        if (isPhotoPath(full)) await addFile(full);
      } else if (entry.isSymbolicLink()) {
        let target: import('node:fs').Stats;
        try {
          target = await fs.stat(full);
        } catch {
          continue; // a dangling link is not a photo
        }
        if (target.isDirectory()) await visitDir(full);
        else if (target.isFile() && isPhotoPath(full)) files.push({ path: full, ...fileFacts(target) });
      }
    }
  }

  async function addFile(full: string): Promise<void> {
    try {
      const stat = await fs.stat(full);
      if (stat.isFile()) files.push({ path: full, ...fileFacts(stat) });
    } catch (error) {
      onProblem({ path: full, message: describeStatError(full, error as NodeJS.ErrnoException) });
    }
  }

  await visitDir(root);
  return files;
}

/**
 * Why a listed file could not be looked at. A name that is not valid UTF-8 comes back from the
 * listing with U+FFFD in place of its bad bytes, a name no file has: say so, not "ENOENT".
 */
function describeStatError(full: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT' && path.basename(full).includes('\uFFFD')) {
    return 'its name is not valid UTF-8, so Kindred cannot open it; rename the file to index it';
  }
  return error.message;
}

/**
 * Whether `candidate` (inside `root`) is reached through a symbolic link back to a folder on its
 * own way down, such as `album/up → ..`: then it is a second name for something already in the
 * tree, and `up/up/up/…` would go on until the system's link limit. The walk never enters such a
 * place (it visits each real folder once); the watcher must not either.
 */
export function isLoopAlias(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  try {
    const seen = new Set([realpathSync(root)]);
    let current = root;
    for (const part of relative.split(path.sep)) {
      current = path.join(current, part);
      const real = realpathSync(current);
      if (seen.has(real)) return true;
      seen.add(real);
    }
  } catch {
    return false; // gone, or a dangling link: not a loop
  }
  return false;
}
