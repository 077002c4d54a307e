import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindred } from '../../support/cli';
import { startKindred } from '../../support/processes';
import { fixture, readManifest, tempDir } from '../../support/fixtures';

/**
 * The library on a disk that fills up, then on a read-only one: a real tmpfs mounted by the test
 * (it needs root, or the capability to mount; without it the tests are skipped, saying why).
 * Each time: a clear error naming the library and what to do, a database that still passes its
 * integrity check, and the work finishing once the disk is writable again with space to spare.
 */
let temp: { dir: string; cleanup: () => void } | undefined;
let mountPoint = '';
let skipReason: string | undefined;

function tryMount(): void {
  temp = tempDir('kindred-disk-');
  mountPoint = path.join(temp.dir, 'disk');
  fs.mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (error) {
    skipReason = `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}): run as root to test disk faults`;
  }
}
tryMount();
if (skipReason) console.warn(`disk-faults: skipped: ${skipReason}`);

const remount = (options: string) =>
  execFileSync('mount', ['-o', `remount,${options}`, mountPoint], { stdio: 'pipe' });
const library = () => path.join(mountPoint, 'library');
const photos = () => path.join(temp!.dir, 'photos');
const at = () => ['--library', library()];

function checkDatabase(): { pending: number; indexed: number } {
  const db = new Database(path.join(library(), 'library.db'), { fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const count = (status: string) =>
      db.prepare(`SELECT COUNT(*) FROM photos WHERE status = ?`).pluck().get(status) as number;
    return { pending: count('pending'), indexed: count('indexed') };
  } finally {
    db.close();
  }
}

const failed = () => {
  const db = new Database(path.join(library(), 'library.db'), { readonly: true });
  try {
    return db.prepare(`SELECT COUNT(*) FROM photos WHERE status = 'error'`).pluck().get() as number;
  } finally {
    db.close();
  }
};

const noStack = (stderr: string) => {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/SqliteError/);
};

beforeAll(() => {
  if (skipReason) return;
  fs.mkdirSync(photos());
  for (const file of readManifest().filter(
    (f) => f.path.startsWith('people/') || f.path.startsWith('groups/'),
  ))
    fs.copyFileSync(fixture(file.path), path.join(photos(), path.basename(file.path)));
});
afterAll(() => {
  if (!skipReason) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  temp?.cleanup();
});

describe.skipIf(skipReason !== undefined)('the library on a full disk', () => {
  it('a scan stops with a clear error, the database stays valid, and the next scan finishes once there is space', () => {
    expect(kindred(['folders', ...at()]).status).toBe(0); // the library exists, empty
    // Fill the disk, leaving a little room: the scan gets going, then runs out.
    const { bavail, bsize } = fs.statfsSync(mountPoint);
    fs.writeFileSync(path.join(mountPoint, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 96 * 1024)));

    const full = kindred(['scan', photos(), '--workers', '1', ...at()]);
    expect(full.status, full.stderr).toBe(1);
    expect(full.stderr).toContain(`the disk holding the library ${library()} is full`);
    expect(full.stderr).toContain('Free some space');
    noStack(full.stderr);
    const during = checkDatabase();
    expect(during.indexed).toBeLessThan(45);

    // Space comes back (the disk grows): the same command finishes the work.
    remount('size=64m');
    const resumed = kindred(['scan', photos(), '--workers', '1', ...at()]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(checkDatabase()).toEqual({ pending: 0, indexed: 45 });
  });

  it('kindred watch on a full disk says so, keeps watching, and finishes the work once there is space', async () => {
    const filler = path.join(mountPoint, 'filler');
    fs.rmSync(filler, { force: true });
    const { bavail, bsize } = fs.statfsSync(mountPoint);
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 48 * 1024)));
    const watch = startKindred(['watch', '--workers', '1', ...at()]);
    try {
      await watch.waitFor(/watching 1 folder/);
      const arrived = readManifest().filter((f) => f.path.startsWith('misc/'));
      for (const file of arrived)
        fs.copyFileSync(fixture(file.path), path.join(photos(), `new-${path.basename(file.path)}`));
      await watch.waitFor(/the disk holding the library .* is full/);
      expect(watch.child.exitCode).toBeNull();
      noStack(watch.stderr());
      expect(checkDatabase().indexed).toBeLessThan(45 + arrived.length);

      fs.rmSync(filler);
      for (
        let waited = 0;
        waited < 120_000 && checkDatabase().indexed + failed() < 45 + arrived.length;
        waited += 500
      )
        await new Promise((resolve) => setTimeout(resolve, 500));
      expect(checkDatabase().pending).toBe(0);
      expect(checkDatabase().indexed + failed()).toBe(45 + arrived.length);
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exited;
    }
  });

  it('a read-only library folder: clear errors for a scan and a decision, the database untouched', () => {
    const before = checkDatabase();
    remount('ro');
    try {
      const scan = kindred(['scan', photos(), ...at()]);
      expect(scan.status).not.toBe(0);
      expect(scan.stderr).toContain(library());
      expect(scan.stderr).toMatch(/EROFS|read-only|cannot be written/);
      noStack(scan.stderr);
      const name = kindred(['name', '1', 'Ada', ...at()]);
      expect(name.status).not.toBe(0);
      expect(name.stderr).toContain(library());
      noStack(name.stderr);
    } finally {
      remount('rw');
    }
    expect(checkDatabase()).toEqual(before);
    expect(kindred(['name', '1', 'Ada', ...at()]).status).toBe(0);
  });
});
