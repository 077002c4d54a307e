import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutputFolder } from '../../../src/main/export/output-folder';
import { tempDir } from '../../support/fixtures';

const temp = tempDir('kindred-output-folder-');
afterAll(() => temp.cleanup());
const photos = path.join(temp.dir, 'photos');
fs.mkdirSync(photos);

describe('prepareOutputFolder', () => {
  it('creates a missing folder (and its parents) and answers its real path', () => {
    const wanted = path.join(temp.dir, 'a', 'b', 'c');
    expect(prepareOutputFolder(wanted, [photos])).toBe(fs.realpathSync(wanted));
    expect(fs.statSync(wanted).isDirectory()).toBe(true);
  });

  it('refuses a relative path unless the caller resolves it against a folder (the CLI)', () => {
    expect(() => prepareOutputFolder('out', [photos])).toThrow(/"out" is not a full path/);
    expect(prepareOutputFolder('rel', [photos], temp.dir)).toBe(path.join(fs.realpathSync(temp.dir), 'rel'));
  });

  it('refuses a file, naming it', () => {
    const file = path.join(temp.dir, 'file.txt');
    fs.writeFileSync(file, 'x');
    expect(() => prepareOutputFolder(file, [photos])).toThrow(/file\.txt is a file, not a folder/);
  });

  it('refuses a photo folder, a folder inside one (even through a symbolic link), and creates nothing there', () => {
    expect(() => prepareOutputFolder(photos, [photos])).toThrow(/is inside .*photos/);
    expect(() => prepareOutputFolder(path.join(photos, 'x', 'y'), [photos])).toThrow(/outside it/);
    const link = path.join(temp.dir, 'link');
    fs.symlinkSync(photos, link);
    expect(() => prepareOutputFolder(path.join(link, 'copies'), [photos])).toThrow(/outside it/);
    expect(fs.readdirSync(photos)).toEqual([]);
    // A sibling whose name starts the same is not inside.
    expect(() => prepareOutputFolder(`${photos}-export`, [photos])).not.toThrow();
  });
});
