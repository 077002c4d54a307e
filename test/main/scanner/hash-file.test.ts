import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashFile } from '../../../src/main/scanner/hash-file';
import { fixture, tempDir } from '../../support/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe('hashFile', () => {
  it('is the SHA-256 of the bytes', async () => {
    const file = fixture('misc/happy.jpg');
    expect(await hashFile(file)).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  });

  it('fails instead of hanging on a FIFO (a photo swapped for one after the walk)', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const fifo = path.join(temp.dir, 'swapped.jpg');
    execFileSync('mkfifo', [fifo]);
    // Before the non-blocking open this never settled (nothing ever writes to the FIFO).
    await expect(hashFile(fifo)).rejects.toThrow();
  });
});
