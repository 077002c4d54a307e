import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PersonSummary } from '../../../src/common/api';
import { kindred } from '../../support/cli';
import { fixture, tempDir } from '../../support/fixtures';
import { runKindred, startKindred, type Running } from '../../support/processes';

/**
 * Two processes on one library, for real: the built `kindred` in child processes. An indexer
 * (scan, watch) holds the library's indexing lock; a second indexer waits or, with --no-wait,
 * exits 75 naming the holder; short writes and backups go on beside it; a killed holder's lock is
 * taken over; a lock held too long in SQLite is a clear "busy" error, never a SQLITE_BUSY crash.
 */
const EXIT_BUSY = 75;
const WHO = ['amy', 'howard', 'penny'];

let temp: { dir: string; cleanup: () => void };
let library: string;
let photos: string;
const children: Running[] = [];

function copyCrops(into: string, who: readonly string[], numbers = [1, 2, 3, 4, 5]): void {
  fs.mkdirSync(into, { recursive: true });
  for (const name of who)
    for (const n of numbers)
      fs.copyFileSync(fixture(`people/${name}/${name}${n}.png`), path.join(into, `${name}${n}.png`));
}

const at = () => ['--library', library];
const noStack = (stderr: string) => {
  expect(stderr).not.toMatch(/SQLITE_BUSY|SqliteError/);
  expect(stderr).not.toMatch(/\n\s+at /);
};

function watch(): Running {
  const running = startKindred(['watch', '--workers', '1', ...at()]);
  children.push(running);
  return running;
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGTERM');
  await running.exited;
}

beforeAll(() => {
  temp = tempDir('kindred-two-');
  library = path.join(temp.dir, 'library');
  photos = path.join(temp.dir, 'photos');
  copyCrops(photos, WHO, [1, 2, 3]);
  const scan = kindred(['scan', photos, '--workers', '1', ...at()]);
  expect(scan.status, scan.stderr).toBe(0);
});
afterEach(async () => {
  await Promise.all(children.splice(0).map(stop));
});
afterAll(() => temp?.cleanup());

describe('two indexers', () => {
  it('the second says who is indexing and exits 75 with --no-wait, or waits and then goes on', async () => {
    const watcher = watch();
    await watcher.waitFor(/watching 1 folder/);
    const refused = kindred(['scan', photos, '--no-wait', ...at()]);
    expect(refused.status).toBe(EXIT_BUSY);
    expect(refused.stderr).toContain(`is being indexed by \`kindred watch\` (pid ${watcher.child.pid}`);
    expect(refused.stderr).toContain(library);
    noStack(refused.stderr);

    const waiting = startKindred(['scan', photos, '--workers', '1', ...at()]);
    children.push(waiting);
    await waiting.waitFor(/waiting for it to finish/);
    expect(waiting.child.exitCode).toBeNull();
    await stop(watcher);
    const { code } = await waiting.exited;
    expect(code, waiting.stderr()).toBe(0);
    expect(waiting.stderr()).toContain('the library is free now; going on');
    expect(fs.existsSync(path.join(library, 'indexing.lock'))).toBe(false);
  });

  it('takes over the lock of a killed indexer (its pid is gone)', async () => {
    copyCrops(path.join(photos, 'more'), ['leonard']);
    const scan = startKindred(['scan', photos, '--workers', '1', ...at()]);
    children.push(scan);
    const lockFile = path.join(library, 'indexing.lock');
    while (!fs.existsSync(lockFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    scan.child.kill('SIGKILL');
    await scan.exited;
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({
      pid: scan.child.pid,
      command: 'kindred scan',
    });

    const next = kindred(['scan', photos, '--no-wait', '--workers', '1', ...at()]);
    expect(next.status, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/indexed, 0 failed/);
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

describe('the app (kindred serve) and the CLI', () => {
  it('serve indexes, so a CLI scan waits for it or exits 75 naming it; CLI decisions go through', async () => {
    const serve = startKindred(['serve', '--port', '0', ...at()]);
    children.push(serve);
    await serve.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const lockFile = path.join(library, 'indexing.lock');
    while (!fs.existsSync(lockFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = kindred(['scan', photos, '--no-wait', ...at()]);
    expect(refused.status).toBe(EXIT_BUSY);
    expect(refused.stderr).toContain(`is being indexed by \`kindred serve\` (pid ${serve.child.pid}`);
    const people = JSON.parse(kindred(['people', '--json', ...at()]).stdout) as PersonSummary[];
    const named = kindred(['name', String(people[0].id), 'Served', ...at()]);
    expect(named.status, named.stderr).toBe(0);
    await stop(serve);
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

describe('short writes beside an indexer', () => {
  it('names, hides and backs up while kindred watch writes, all at once, without a busy error', async () => {
    const watcher = watch();
    await watcher.waitFor(/watching 1 folder/);
    // Work for the watcher: new photos arrive while the commands run.
    copyCrops(path.join(photos, 'arrived'), ['raj', 'sheldon']);
    const people = JSON.parse(kindred(['people', '--json', ...at()]).stdout) as PersonSummary[];
    expect(people.length).toBeGreaterThanOrEqual(3);
    const backup = path.join(temp.dir, 'while-watching.db');
    const results = await Promise.all([
      ...people.slice(0, 3).map((person, i) => runKindred(['name', String(person.id), `Busy ${i}`, ...at()])),
      runKindred(['hide', String(people[0].id), ...at()]),
      runKindred(['birthdate', String(people[1].id), '1970-03-04', ...at()]),
      runKindred(['backup', '--out', backup, ...at()]),
    ]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      noStack(result.stderr);
    }
    await watcher.waitFor(/added .*sheldon5\.png/);
    const named = (JSON.parse(kindred(['people', '--all', '--json', ...at()]).stdout) as PersonSummary[])
      .map((p) => p.name)
      .filter((name) => name?.startsWith('Busy'));
    expect(named.sort()).toEqual(['Busy 0', 'Busy 1', 'Busy 2']);

    // The backup is a whole library of its moment: it opens, passes its check, holds the scanned photos.
    const copy = new Database(backup, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(
        copy.prepare(`SELECT COUNT(*) FROM photos WHERE status = 'indexed'`).pluck().get(),
      ).toBeGreaterThanOrEqual(9);
      expect(copy.prepare(`SELECT COUNT(*) FROM faces`).pluck().get()).toBeGreaterThanOrEqual(9);
    } finally {
      copy.close();
    }
    expect(fs.readdirSync(temp.dir).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('kindred backup refuses to overwrite without --force', () => {
    const target = path.join(temp.dir, 'exists.db');
    fs.writeFileSync(target, 'keep me');
    const refused = kindred(['backup', '--out', target, ...at()]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    const forced = kindred(['backup', '--out', target, '--force', ...at()]);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(
      /^Backed up the library to .* MB: [\d,]+ photos?, [\d,]+ faces?, [\d,]+ (person|people); integrity ok\)/,
    );
  });

  it('commands that read before they write wait for another writer instead of failing "busy" at once', async () => {
    // A transaction that reads first and then asks for the write lock while another process
    // holds it gets SQLITE_BUSY straight away (SQLite will not wait while holding a snapshot
    // that the other writer may make stale). The chaos run met this as "kindred cluster: library
    // busy" beside kindred watch. Each command here reads before it writes; the other writer lets
    // go after 2 s, well inside the 5 s busy timeout, so each must wait and succeed.
    const people = JSON.parse(kindred(['people', '--json', ...at()]).stdout) as PersonSummary[];
    const commands = [['cluster', '--full'], ['cluster'], ['name', String(people[0].id), 'Patient']];
    for (const command of commands) {
      const holder = new Database(path.join(library, 'library.db'));
      holder.exec('BEGIN IMMEDIATE');
      const running = startKindred([...command, ...at()]);
      children.push(running);
      // Released when the command ends (it failed: the test fails below) or after 2 s.
      await Promise.race([running.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      holder.exec('COMMIT');
      holder.close();
      const { code } = await running.exited;
      expect(code, `kindred ${command.join(' ')}: ${running.stderr()}`).toBe(0);
      noStack(running.stderr());
    }
  });

  it('a write that waits past the busy timeout is a clear "library busy" error, exit 75, and changes nothing', () => {
    const holder = new Database(path.join(library, 'library.db'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      const result = kindred(['name', '1', 'Never', ...at()]);
      expect(result.status).toBe(EXIT_BUSY);
      expect(result.stderr).toContain(`the library at ${library} is busy`);
      noStack(result.stderr);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const names = (JSON.parse(kindred(['people', '--all', '--json', ...at()]).stdout) as PersonSummary[]).map(
      (p) => p.name,
    );
    expect(names).not.toContain('Never');
  });

  it('several processes opening a new library at once all succeed (no migration runs twice)', async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = path.join(temp.dir, `fresh-${round}`);
      const results = await Promise.all(
        Array.from({ length: 4 }, () => runKindred(['people', '--library', fresh])),
      );
      for (const result of results) expect(result.code, result.stderr).toBe(0);
    }
  });
});
