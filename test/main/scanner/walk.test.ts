import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopAlias, walkPhotos } from '../../../src/main/scanner/walk';
import { tempDir } from '../../support/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function makeTree(): string {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  const root = temp.dir;
  const write = (relative: string, content = 'x') => {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  };
  write('a.jpg');
  write('b.JPEG');
  write('notes.txt');
  write('nested/deeper/c.png');
  write('nested/d.heic');
  write('.hidden/e.jpg');
  write('nested/.f.jpg');
  // A link back up the tree: followed once, never looped.
  fs.symlinkSync(root, path.join(root, 'nested', 'loop'));
  // A link to a folder outside the tree is followed.
  const outside = tempDir();
  cleanups.push(outside.cleanup);
  fs.writeFileSync(path.join(outside.dir, 'g.webp'), 'x');
  fs.symlinkSync(outside.dir, path.join(root, 'elsewhere'));
  fs.symlinkSync(path.join(root, 'missing.jpg'), path.join(root, 'dangling.jpg'));
  execFileSync('mkfifo', [path.join(root, 'pipe.jpg')]);
  return root;
}

describe('walkPhotos', () => {
  it('finds photos recursively, skipping hidden, non-image and special files, without looping', async () => {
    const root = makeTree();
    const found = (await walkPhotos(root)).map((file) => path.relative(root, file.path)).sort();
    expect(found).toEqual(['a.jpg', 'b.JPEG', 'elsewhere/g.webp', 'nested/d.heic', 'nested/deeper/c.png']);
  });

  it('reports size and mtime of each file', async () => {
    const root = makeTree();
    const [a] = (await walkPhotos(root)).filter((file) => file.path.endsWith('a.jpg'));
    const stat = fs.statSync(path.join(root, 'a.jpg'));
    expect(a.size).toBe(1);
    expect(a.mtimeMs).toBe(Math.trunc(stat.mtimeMs));
  });
});

describe('isLoopAlias', () => {
  it('names paths reached through a link back up the tree, and only those', () => {
    const root = makeTree();
    expect(isLoopAlias(path.join(root, 'nested', 'loop'), root)).toBe(true);
    expect(isLoopAlias(path.join(root, 'nested', 'loop', 'a.jpg'), root)).toBe(true);
    expect(isLoopAlias(path.join(root, 'nested', 'loop', 'nested', 'loop'), root)).toBe(true);
    for (const plain of [
      '',
      'a.jpg',
      'nested',
      'nested/deeper/c.png',
      'elsewhere',
      'elsewhere/g.webp',
      'gone/x.jpg',
    ]) {
      expect(isLoopAlias(path.join(root, plain), root), plain).toBe(false);
    }
    expect(isLoopAlias('/etc/passwd', root)).toBe(false);
  });
});
