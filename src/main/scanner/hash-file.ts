import { createHash } from 'node:crypto';
import fs from 'node:fs';

/**
 * SHA-256 of a file's bytes, streamed (a photo is never held whole in memory here). The vision
 * worker computes the same digest when it analyses a photo, so the two can be compared.
 * Opened without blocking and checked to be a regular file, as the worker's read is: a file
 * swapped for a FIFO since the walk must fail, not hang the scan on open().
 */
export async function hashFile(filePath: string): Promise<string> {
  const handle = await fs.promises.open(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`not a regular file: ${filePath}`);
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
