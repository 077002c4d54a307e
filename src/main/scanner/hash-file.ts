import { createHash } from 'node:crypto';
import fs from 'node:fs';

/**
 * SHA-256 of a file's bytes, streamed (a photo is never held whole in memory here). The vision
 * worker computes the same digest when it analyses a photo, so the two can be compared.
 */
export function hashFile(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(filePath)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
