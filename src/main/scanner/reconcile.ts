import fs from 'node:fs';
import path from 'node:path';
import type { LibraryDatabase } from '../db/open';
import type { HashedPhoto, KnownFile, PhotosRepository } from '../repositories/photos';
import { hashFile } from './hash-file';
import { isLoopAlias, isPhotoPath, walkPhotos, type WalkedFile, type WalkProblem } from './walk';
import { writeTransaction } from '../db/write-transaction';
import { fileFacts } from '../vision/read-file';

export interface ReconcileDependencies {
  db: LibraryDatabase;
  photos: PhotosRepository;
}

export interface ReconcileOptions {
  /**
   * Whether a new or changed file has finished being written. Unsettled files are neither
   * hashed nor queued; they come back in `unsettled` for the caller to look at again later.
   * Default: every file is settled (a one-off scan takes the disk as it finds it).
   */
  isSettled?: (file: WalkedFile) => boolean;
  onProblem?: (problem: WalkProblem) => void;
}

export interface ReconcileResult {
  /** Photo files found on disk in the scopes. */
  seen: number;
  /** Indexed (or failed) photos whose size and time are unchanged: no work. */
  unchanged: number;
  /** New files, queued as pending photos. */
  added: { id: number; path: string }[];
  /** Files whose bytes changed, queued again (their faces' decisions are carried on re-analysis). */
  changed: { id: number; path: string }[];
  /** A known photo found at a new path (same bytes): its row was re-pointed, nothing to analyse. */
  moved: { id: number; from: string; to: string }[];
  /** Known photos not found on disk. The caller decides when they leave (see `removeIfGone`). */
  missing: { id: number; path: string }[];
  /** New or changed files still being written. */
  unsettled: WalkedFile[];
}

/**
 * Brings the library's rows under `scopes` (absolute paths inside the folder: the folder itself,
 * sub-folders or single files, present or gone) in step with the disk. Files are compared by
 * size and modification time first; only a file whose size matches another known photo is hashed. A new file with the content of
 * a known photo whose file is gone is that photo, moved: the row is re-pointed, so its faces,
 * their people and every decision on them stay, with no new inference.
 */
export async function reconcileFolder(
  deps: ReconcileDependencies,
  folder: { id: number; path: string },
  scopes: readonly string[],
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { photos } = deps;
  const isSettled = options.isSettled ?? (() => true);
  const result: ReconcileResult = {
    seen: 0,
    unchanged: 0,
    added: [],
    changed: [],
    moved: [],
    missing: [],
    unsettled: [],
  };

  const onDisk = new Map<string, WalkedFile>();
  const known = new Map<string, KnownFile>();
  // Places that could not be read: their photos are not "missing", just not seen this time.
  const unreadable: string[] = [];
  const problem = (p: WalkProblem) => {
    unreadable.push(p.path);
    options.onProblem?.(p);
  };
  for (const scope of scopes) {
    // A path through a link back up the tree names something already there (see isLoopAlias).
    if (isHiddenInside(scope, folder.path) || isLoopAlias(scope, folder.path)) continue;
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.stat(scope);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        problem({ path: scope, message: (error as Error).message });
        continue;
      }
    }
    if (stat?.isDirectory()) {
      for (const file of await walkPhotos(scope, problem)) onDisk.set(file.path, file);
    } else if (stat?.isFile() && isPhotoPath(scope)) {
      onDisk.set(scope, { path: scope, ...fileFacts(stat) });
    }
    const at = photos.knownAt(scope);
    if (at) known.set(at.path, at);
    for (const row of photos.knownUnder(scope, path.sep)) known.set(row.path, row);
  }
  result.seen = onDisk.size;

  const fresh: WalkedFile[] = [];
  const changed: { row: KnownFile; file: WalkedFile }[] = [];
  for (const file of onDisk.values()) {
    const row = known.get(file.path);
    if (row && row.size === file.size && row.mtimeMs === file.mtimeMs) {
      if (row.status !== 'pending') result.unchanged++;
    } else if (!isSettled(file)) {
      result.unsettled.push(file);
    } else if (row) {
      changed.push({ row, file });
    } else {
      fresh.push(file);
    }
  }
  const missing = new Map<number, KnownFile>();
  for (const row of known.values()) {
    if (!onDisk.has(row.path) && !unreadable.some((place) => isInside(row.path, place)))
      missing.set(row.id, row);
  }

  // Known content by size, built only when something new may be something known.
  let bySize: Map<number, HashedPhoto[]> | undefined;
  const candidatesOfSize = (size: number): HashedPhoto[] => {
    if (!bySize) {
      bySize = new Map();
      for (const row of photos.hashed()) {
        const list = bySize.get(row.size);
        if (list) list.push(row);
        else bySize.set(row.size, [row]);
      }
    }
    return bySize.get(size) ?? [];
  };
  const isGone = (row: HashedPhoto) =>
    missing.has(row.id) || (!onDisk.has(row.path) && !known.has(row.path) && !fs.existsSync(row.path));
  const hashes = new Map<string, string>();
  /** The known photo whose file is gone and whose bytes these are, preferring the same file name. */
  const claimMoved = async (file: WalkedFile, contentHash?: string): Promise<HashedPhoto | undefined> => {
    const candidates = candidatesOfSize(file.size).filter((row) => row.path !== file.path);
    if (candidates.length === 0) return undefined;
    const hash = contentHash ?? (await hashQuietly(file.path));
    if (hash !== undefined) hashes.set(file.path, hash);
    const gone = candidates.filter((row) => row.contentHash === hash && isGone(row));
    const claimed = gone.find((row) => path.basename(row.path) === path.basename(file.path)) ?? gone[0];
    if (claimed) {
      bySize!.set(
        file.size,
        bySize!.get(file.size)!.filter((row) => row.id !== claimed.id),
      );
      missing.delete(claimed.id);
    }
    return claimed;
  };

  const relocations: { row: HashedPhoto; file: WalkedFile; replaces?: KnownFile }[] = [];
  const toInsert: WalkedFile[] = [];
  const toRequeue: { row: KnownFile; file: WalkedFile }[] = [];
  for (const file of fresh) {
    const moved = await claimMoved(file);
    if (moved) relocations.push({ row: moved, file });
    else toInsert.push(file);
  }
  for (const { row, file } of changed) {
    // Re-analysed, as any changed file (the decisions on its faces are carried over), unless
    // another known photo whose file is gone was moved over it (a rename that replaced a file).
    const others = candidatesOfSize(file.size).filter((other) => other.id !== row.id);
    const moved = others.length > 0 ? await claimMoved(file) : undefined;
    if (moved) relocations.push({ row: moved, file, replaces: row });
    else toRequeue.push({ row, file });
  }

  writeTransaction(deps.db, () => {
    for (const { replaces } of relocations) if (replaces) photos.delete(replaces.id);
    // Two steps, so that photos swapping paths never collide on the unique path.
    for (const { row } of relocations)
      photos.relocate(row.id, row.folderId, `${row.path}\n(moving ${row.id})`, row.size, 0);
    for (const { row, file } of relocations) {
      photos.relocate(row.id, folder.id, file.path, file.size, file.mtimeMs);
      result.moved.push({ id: row.id, from: row.path, to: file.path });
    }
    for (const { row, file } of toRequeue) {
      photos.markPending(row.id, file.size, file.mtimeMs);
      result.changed.push({ id: row.id, path: file.path });
    }
    for (const file of toInsert) {
      result.added.push({
        id: photos.insertPending(folder.id, file.path, file.size, file.mtimeMs),
        path: file.path,
      });
    }
  });
  result.missing = [...missing.values()].map(({ id, path: filePath }) => ({ id, path: filePath }));
  return result;
}

export interface RemovalResult {
  removed: { id: number; path: string }[];
  /** Gone photos whose bytes are still in the library under a newer path: they took its place. */
  moved: { id: number; from: string; to: string }[];
}

/**
 * Deletes the rows of photos whose file is still gone (a move may have claimed them meanwhile,
 * or the file may be back). A gone photo with a newer twin (same bytes, added since, nothing of
 * the user's on it) was copied then deleted, which is how a move across drives happens: the old
 * row, with its faces and decisions, takes the twin's place instead.
 */
export function removeIfGone(
  deps: ReconcileDependencies,
  candidates: readonly { id: number; path: string }[],
): RemovalResult {
  const { photos } = deps;
  const result: RemovalResult = { removed: [], moved: [] };
  // Many copies of one file gone at once would otherwise check every twin's path once per copy.
  const seen = new Map<string, boolean>();
  const exists = (file: string) => {
    let found = seen.get(file);
    if (found === undefined) seen.set(file, (found = fs.existsSync(file)));
    return found;
  };
  writeTransaction(deps.db, () => {
    for (const candidate of candidates) {
      const row = photos.knownAt(candidate.path);
      if (!row || row.id !== candidate.id || exists(candidate.path)) continue;
      const twin =
        row.contentHash === null
          ? undefined
          : photos
              .twins(row.id, row.contentHash)
              .find((other) => other.id > row.id && exists(other.path) && !photos.hasUserDecisions(other.id));
      if (twin) {
        photos.delete(twin.id);
        photos.relocate(row.id, twin.folderId, twin.path, twin.size, twin.mtimeMs);
        result.moved.push({ id: row.id, from: row.path, to: twin.path });
      } else {
        photos.delete(row.id);
        result.removed.push(candidate);
      }
    }
  });
  return result;
}

/** A hash that cannot be read (the file went away meanwhile) matches nothing. */
async function hashQuietly(filePath: string): Promise<string | undefined> {
  try {
    return await hashFile(filePath);
  } catch {
    return undefined;
  }
}

export function isInside(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Hidden files and folders (a leading dot anywhere below the root) are never photos of the library. */
export function isHiddenInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative.split(path.sep).some((part) => part.startsWith('.') && part !== '..' && part !== '.');
}
