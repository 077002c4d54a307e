/**
 * `npm run bench:watch`: live folders. Prints
 * 1. catch-up on start with 10,000 unchanged files (100 folders of 100 hard links of the
 *    fixtures; the library rows are written as a scan leaves them, so that no inference is needed
 *    to set up), as `LibraryWatcher.start()` (chokidar ready + comparison) and as the comparison
 *    alone;
 * 2. the time from a photo's last write to its faces being in the library, with the watcher
 *    running and the pool warm (default settle time: the watcher waits 1 s of quiet after a write);
 * 3. the time to absorb the rename of a folder of 1,000 indexed photos (distinct bytes each) while
 *    watching: from the rename to the last of the 1,000 "moved" lines.
 * The 1,000 photos of (3) are in the library during (1) too: the catch-up checks 11,000 files.
 *
 *   npm run bench:watch -- [--files 10000] [--renamed 1000] [--latency-runs 5] [--workers 2]
 *
 * The machine is shared: the cores other processes kept busy are printed with every figure.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveLibrary } from '../src/main/library-paths';
import { openLibrary } from '../src/main/open-library';
import type { LibraryService } from '../src/main/services/library';
import { LibraryWatcher, type WatchChange } from '../src/main/watcher/library-watcher';
import { fileFacts } from '../src/main/vision/read-file';
import { FIXTURES } from '../test/support/fixtures';
import { coresBusy, processCpuMs, readCpuTicks } from './cpu-load';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    renamed: { type: 'string', default: '1000' },
    'latency-runs': { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
  },
});
const FILES = Number(args.files);
const RENAMED = Number(args.renamed);
const LATENCY_RUNS = Number(args['latency-runs']);
const WORKERS = Number(args.workers);

function fixturePhotos(): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(jpe?g|png)$/i.test(entry.name)) found.push(full);
    }
  };
  visit(FIXTURES);
  return found.sort();
}

/** Writes the rows a scan would leave for these files (indexed, no faces), in one transaction. */
function registerAsIndexed(
  libraryDir: string,
  folder: string,
  files: readonly string[],
  hashes: boolean,
): void {
  const db = new Database(path.join(libraryDir, 'library.db'));
  try {
    const now = new Date().toISOString();
    db.prepare(`INSERT OR IGNORE INTO folders (path, added_at, last_scan_at) VALUES (?, ?, ?)`).run(
      folder,
      now,
      now,
    );
    const folderId = db.prepare(`SELECT id FROM folders WHERE path = ?`).pluck().get(folder) as number;
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, content_hash, status, width, height, analysed_at)
       VALUES (?, ?, ?, ?, ?, 'indexed', 100, 100, ?)`,
    );
    const byInode = new Map<number, string>();
    db.transaction(() => {
      for (const file of files) {
        const stat = fs.statSync(file);
        let hash: string | null = null;
        if (hashes) {
          hash = byInode.get(stat.ino) ?? createHash('sha256').update(fs.readFileSync(file)).digest('hex');
          byInode.set(stat.ino, hash);
        }
        const { size, mtimeMs } = fileFacts(stat);
        insert.run(folderId, file, size, mtimeMs, hash, now);
      }
    })();
  } finally {
    db.close();
  }
}

/**
 * Measures `work`, how many cores the whole machine kept busy meanwhile, and how many of those
 * were other processes (this one's threads, the vision workers included, subtracted).
 */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; busy: string }> {
  const ticks = readCpuTicks();
  const ownBefore = processCpuMs();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const busy = coresBusy(ticks, readCpuTicks());
  const own = (processCpuMs() - ownBefore) / ms;
  return {
    value,
    ms,
    busy:
      busy === null
        ? 'machine load n/a'
        : `${busy.toFixed(2)} of ${os.cpus().length} cores busy, ${Math.max(0, busy - own).toFixed(2)} by other processes`,
  };
}

function waitFor(watcher: LibraryWatcher, match: (change: WatchChange) => boolean, count = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => reject(new Error(`timed out after ${seen} of ${count} changes`)), 600_000);
    const listener = (change: WatchChange) => {
      if (!match(change) || ++seen < count) return;
      clearTimeout(timer);
      watcher.off('change', listener);
      resolve();
    };
    watcher.on('change', listener);
  });
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-bench-watch-'));
  const libraryDir = path.join(work, 'library');
  const root = path.join(work, 'photos');
  let library: LibraryService | undefined;
  let watcher: LibraryWatcher | undefined;
  try {
    process.stdout.write(
      `bench:watch on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; ` +
        `load average at start ${os
          .loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}\n`,
    );
    // Sources on the same file system as the folders, so that they can be hard-linked.
    const sources = path.join(work, 'sources');
    fs.mkdirSync(sources);
    const fixtures = fixturePhotos().map((file, i) => {
      const copy = path.join(sources, `${i}${path.extname(file)}`);
      fs.copyFileSync(file, copy);
      return copy;
    });

    // 1. Catch-up of unchanged files.
    const unchanged: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const dir = path.join(root, 'archive', `${String(Math.floor(i / 100)).padStart(3, '0')}`);
      if (i % 100 === 0) fs.mkdirSync(dir, { recursive: true });
      const source = fixtures[i % fixtures.length];
      const target = path.join(dir, `photo-${i}${path.extname(source)}`);
      fs.linkSync(source, target);
      unchanged.push(target);
    }
    // 2. A folder of photos with distinct bytes (a trailer after the image data) to be renamed.
    const album = path.join(root, 'album');
    fs.mkdirSync(album);
    const albumFiles: string[] = [];
    for (let i = 0; i < RENAMED; i++) {
      const source = fixtures[i % fixtures.length];
      const target = path.join(album, `photo-${i}${path.extname(source)}`);
      fs.writeFileSync(target, Buffer.concat([fs.readFileSync(source), Buffer.from(`kindred-bench ${i}`)]));
      albumFiles.push(target);
    }
    // Old enough to count as settled whatever the settle time.
    const past = new Date(Date.now() - 3_600_000);
    for (const file of albumFiles) fs.utimesSync(file, past, past);

    library = openLibrary(resolveLibrary(libraryDir));
    library.close();
    registerAsIndexed(libraryDir, root, unchanged, false);
    registerAsIndexed(libraryDir, root, albumFiles, true);
    library = openLibrary(resolveLibrary(libraryDir));

    const reconcileOnly = await measured(() => library!.reconcile(library!.foldersNow()[0], [root]));
    if (reconcileOnly.value.unchanged !== FILES + RENAMED)
      throw new Error(`expected ${FILES + RENAMED} unchanged, got ${JSON.stringify(reconcileOnly.value)}`);
    watcher = new LibraryWatcher(library, { workers: WORKERS });
    const changes: WatchChange[] = [];
    watcher.on('change', (change) => changes.push(change));
    const start = await measured(() => watcher!.start());
    if (changes.length > 0)
      throw new Error(`catch-up changed something: ${JSON.stringify(changes.slice(0, 3))}`);
    process.stdout.write(
      `catch-up, ${FILES + RENAMED} unchanged files in ${Math.ceil((FILES + RENAMED) / 100)} folders:\n` +
        `  comparison alone (walk + size/mtime, no hashing)  ${(reconcileOnly.ms / 1000).toFixed(2)} s  (${reconcileOnly.busy})\n` +
        `  watcher start (chokidar ready + comparison)       ${(start.ms / 1000).toFixed(2)} s  (${start.busy})\n`,
    );

    // 2. Latency: last write to faces in the library. The first photo warms the pool (model load).
    const fresh = path.join(root, 'new');
    fs.mkdirSync(fresh);
    const crops = fixtures.filter((file) => file.endsWith('.png')).slice(0, LATENCY_RUNS + 1);
    const latencies: number[] = [];
    for (const [i, crop] of crops.entries()) {
      const target = path.join(fresh, `new-${i}.png`);
      const added = waitFor(watcher, (c) => c.kind === 'added' && c.path === target);
      const bytes = fs.readFileSync(crop);
      fs.writeFileSync(target, bytes);
      const lastWrite = performance.now();
      await added;
      if (i > 0) latencies.push(performance.now() - lastWrite);
      await watcher.whenIdle();
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)];
    process.stdout.write(
      `last write -> faces in the library (pool warm, settle time 1 s, ${latencies.length} photos): ` +
        `median ${(median / 1000).toFixed(2)} s, range ${(latencies[0] / 1000).toFixed(2)}–${(latencies.at(-1)! / 1000).toFixed(2)} s\n`,
    );

    // 3. Rename of a folder of indexed photos.
    changes.length = 0;
    const renamed = path.join(root, 'album 2026');
    const allMoved = waitFor(watcher, (c) => c.kind === 'moved', RENAMED);
    const rename = await measured(async () => {
      fs.renameSync(album, renamed);
      await allMoved;
    });
    await watcher.whenIdle();
    const other = changes.filter((c) => c.kind !== 'moved');
    process.stdout.write(
      `rename of a folder of ${RENAMED} indexed photos: ${changes.length - other.length} moved in ` +
        `${(rename.ms / 1000).toFixed(2)} s (${rename.busy}); other changes: ${other.length}\n`,
    );
    process.stdout.write(
      `load average at end ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}\n`,
    );
  } finally {
    await watcher?.close();
    library?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:watch failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
