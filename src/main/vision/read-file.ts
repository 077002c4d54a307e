import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import type { FileFacts } from './task';

/** Files larger than this are not photos Kindred will index (and would cost that much memory to read). */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export class FileReadError extends Error {
  constructor(
    message: string,
    readonly file: FileFacts | null,
  ) {
    super(message);
  }
}

function describeFsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'file disappeared before it could be read';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: Kindred cannot read this file (check its permissions)';
    case 'EISDIR':
      return 'is a folder, not a file';
    default:
      return `cannot read file (${error.code ?? error.message})`;
  }
}

/**
 * The facts by which Kindred tells whether a file changed: its size and its modification time in
 * whole milliseconds (what the library stores; sub-millisecond digits differ between file systems).
 */
export function fileFacts(stat: { size: number; mtimeMs: number }): FileFacts {
  return { size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) };
}

/**
 * Reads a whole file with the size and mtime it had when opened, and its SHA-256, which is how
 * a photo keeps its identity when it is moved or renamed. One read serves hashing and decoding.
 */
export async function readPhotoFile(
  filePath: string,
): Promise<{ bytes: Buffer; facts: FileFacts; contentHash: string }> {
  let handle: fs.FileHandle;
  try {
    // Non-blocking: a file swapped for a FIFO after the walk would otherwise block this open until
    // something writes to it, hanging the worker. For regular files the flag changes nothing.
    handle = await fs.open(filePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new FileReadError(describeFsError(error as NodeJS.ErrnoException), null);
  }
  try {
    const stat = await handle.stat();
    const facts = fileFacts(stat);
    if (!stat.isFile()) throw new FileReadError('not a regular file', facts);
    if (stat.size > MAX_FILE_BYTES) {
      throw new FileReadError(
        `file is ${Math.round(stat.size / 2 ** 20)} MiB, larger than any photo Kindred indexes`,
        facts,
      );
    }
    let bytes: Buffer;
    try {
      bytes = await handle.readFile();
    } catch (error) {
      throw new FileReadError(describeFsError(error as NodeJS.ErrnoException), facts);
    }
    return { bytes, facts, contentHash: createHash('sha256').update(bytes).digest('hex') };
  } finally {
    await handle.close();
  }
}
