import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderSummary, PhotoSummary } from '../../../src/common/api';
import { KINDRED_BIN, kindred } from '../../support/cli';
import { fixture } from '../../support/fixtures';
import { createTestLibrary, type TestLibrary } from '../../support/library';

let lib: TestLibrary;
let other: string;
const json = <T>(args: string[]): T =>
  JSON.parse(kindred([...args, '--json', '--library', lib.dir]).stdout) as T;

beforeAll(() => {
  lib = createTestLibrary();
  lib.addPhotos(['misc/happy.jpg', 'people/raj/raj1.png']);
  other = path.join(path.dirname(lib.photosDir), 'other');
  lib.addPhotos(['people/amy/amy1.png'], other);
});
afterAll(() => lib.cleanup());

describe('kindred add, folders and remove', () => {
  it('adds and scans folders, then lists them with their counts', () => {
    const added = kindred(['add', lib.photosDir, other, '--library', lib.dir, '--workers', '1']);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/^Added 2 folders: .* 3 indexed, 0 failed\n$/);
    const folders = json<FolderSummary[]>(['folders']);
    expect(folders).toEqual([
      { id: 2, path: other, online: true, photos: 1, pending: 0, errors: 0, lastScan: expect.any(String) },
      {
        id: 1,
        path: lib.photosDir,
        online: true,
        photos: 2,
        pending: 0,
        errors: 0,
        lastScan: expect.any(String),
      },
    ]);
    expect(kindred(['folders', '--library', lib.dir]).stdout).toMatch(
      /online\s+2\s+0\s+0\s+\S+\s+.*photos\n/,
    );
  });

  it('refuses to remove without --yes when not on a terminal (exit 2), and an unknown folder', () => {
    const refused = kindred(['remove', other, '--library', lib.dir]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/forgets its 1 photo of .*other.*kindred remove ".*other" --yes/);
    const unknown = kindred(['remove', path.join(other, 'nope'), '--library', lib.dir]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/nope" is not a folder of this library.*kindred folders/);
    expect(json<FolderSummary[]>(['folders'])).toHaveLength(2);
  });

  it('removes a folder with --yes: its photos leave the library, its files stay on disk', () => {
    const removed = kindred(['remove', other, '--yes', '--library', lib.dir]);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toMatch(/Removed .*other from the library: 1 photos and 1 faces forgotten/);
    expect(json<FolderSummary[]>(['folders']).map((f) => f.path)).toEqual([lib.photosDir]);
    expect(json<PhotoSummary[]>(['photos']).map((p) => path.basename(p.path))).toEqual([
      'happy.jpg',
      'raj1.png',
    ]);
    expect(fs.existsSync(path.join(other, 'amy1.png'))).toBe(true);
  });

  it('watch prints one line per change and stops cleanly on SIGINT', async () => {
    const watch = spawn(process.execPath, [KINDRED_BIN, 'watch', '--library', lib.dir, '--workers', '1'], {
      env: { ...process.env, KINDRED_LIBRARY: '' },
    });
    let stdout = '';
    let stderr = '';
    const waitFor = (pattern: RegExp, stream: () => string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${stdout} / ${stderr}`)), 60_000);
        const check = () => {
          if (!pattern.test(stream())) return;
          clearTimeout(timer);
          resolve();
        };
        watch.stdout.on('data', check);
        watch.stderr.on('data', check);
        check();
      });
    watch.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    watch.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => watch.on('exit', resolve));
    try {
      await waitFor(/watching 1 folder; caught up/, () => stderr);
      fs.renameSync(path.join(lib.photosDir, 'raj1.png'), path.join(lib.photosDir, 'raj.png'));
      fs.copyFileSync(fixture('people/penny/penny1.png'), path.join(lib.photosDir, 'penny1.png'));
      await waitFor(/added .*penny1\.png \(1 face\)\n/, () => stdout);
      await waitFor(/moved .*raj1\.png -> .*raj\.png\n/, () => stdout);
    } finally {
      watch.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout.trimEnd().split('\n').sort()).toEqual([
      `added ${path.join(lib.photosDir, 'penny1.png')} (1 face)`,
      `moved ${path.join(lib.photosDir, 'raj1.png')} -> ${path.join(lib.photosDir, 'raj.png')}`,
    ]);
  });

  it('watch is a clear error (exit 2) for a library without folders', () => {
    const empty = path.join(path.dirname(lib.dir), 'empty-library');
    const result = kindred(['watch', '--library', empty]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no folders to watch yet.*kindred add FOLDER/);
  });
});
