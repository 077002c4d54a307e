import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IndexingLock,
  LOCK_FILE,
  processStartTicks,
  type LockHolder,
} from '../../../src/main/library-lock/indexing-lock';
import { tempDir } from '../../support/fixtures';

let temp: { dir: string; cleanup: () => void } | undefined;
afterEach(() => temp?.cleanup());

const holder = (overrides: Partial<LockHolder>): LockHolder => ({
  pid: process.pid,
  hostname: os.hostname(),
  startTicks: processStartTicks('self'),
  since: '2026-12-04T00:00:00.000Z',
  command: 'kindred watch',
  token: 'someone-else',
  ...overrides,
});

describe('IndexingLock', () => {
  it('is taken by one holder at a time, and free again once released', () => {
    temp = tempDir();
    const first = new IndexingLock(temp.dir, 'kindred scan');
    const second = new IndexingLock(temp.dir, 'kindred watch');
    expect(first.tryAcquire()).toEqual({ ok: true });
    const refused = second.tryAcquire();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.holder).toMatchObject({ pid: process.pid, command: 'kindred scan' });
    first.release();
    expect(fs.existsSync(path.join(temp.dir, LOCK_FILE))).toBe(false);
    expect(second.tryAcquire()).toEqual({ ok: true });
    second.release();
    // Nothing but the lock is ever left in the folder (drafts are removed).
    expect(fs.readdirSync(temp.dir)).toEqual([]);
  });

  it('is held while its holder runs, and stale once the holder has exited', async () => {
    temp = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((resolve) => child.once('spawn', resolve));
    const file = path.join(temp.dir, LOCK_FILE);
    fs.writeFileSync(
      file,
      JSON.stringify(holder({ pid: child.pid!, startTicks: processStartTicks(child.pid!) })),
    );
    const lock = new IndexingLock(temp.dir, 'kindred scan');
    expect(lock.tryAcquire().ok).toBe(false);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect(lock.tryAcquire()).toEqual({ ok: true });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'kindred scan',
    });
    lock.release();
  });

  it('is stale when its pid now belongs to another process (a different start time)', () => {
    temp = tempDir();
    fs.writeFileSync(path.join(temp.dir, LOCK_FILE), JSON.stringify(holder({ startTicks: '1' })));
    const lock = new IndexingLock(temp.dir, 'kindred scan');
    expect(lock.tryAcquire()).toEqual({ ok: true });
    lock.release();
  });

  it('a lock from another machine is respected (its process cannot be looked at)', () => {
    temp = tempDir();
    fs.writeFileSync(
      path.join(temp.dir, LOCK_FILE),
      JSON.stringify(holder({ hostname: 'elsewhere', pid: 1 })),
    );
    const result = new IndexingLock(temp.dir, 'kindred scan').tryAcquire();
    expect(result.ok).toBe(false);
  });

  it('an unreadable (torn) lock file is treated as stale', () => {
    temp = tempDir();
    fs.writeFileSync(path.join(temp.dir, LOCK_FILE), '{"pid": 12');
    const lock = new IndexingLock(temp.dir, 'kindred scan');
    expect(lock.tryAcquire()).toEqual({ ok: true });
    lock.release();
  });
});
