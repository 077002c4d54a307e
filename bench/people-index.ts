/**
 * The index step of `npm run bench:people`, in a process of its own: builds the neighbour index of
 * the copied library from SQLite and saves it in the library's cache folder, as a library that has
 * been scanned before has it. Its own process so that the measuring process starts like a fresh
 * CLI command (index on disk, nothing in memory), and so that each has its own peak RSS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/main/db/open';
import { FacesRepository } from '../src/main/repositories/faces';
import { FaceIndex } from '../src/main/services/face-index';
import { watchPeakRss } from './peak-rss';
import { seconds, timed } from './people-report';
import { megabytes } from './report';

export interface IndexBuild {
  buildMs: number;
  saveMs: number;
  faces: number;
  peakRss: number;
}

const RESULT_FILE = 'index-build.json';

/** Builds and saves the index of `workDir/library.db` into `workDir/cache/`. */
export function runIndexBuild(workDir: string): void {
  const peak = watchPeakRss();
  const db = openDatabase(path.join(workDir, 'library.db'));
  try {
    const cacheDir = path.join(workDir, 'cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    process.stdout.write('Index: built from SQLite (no saved index yet) …\n');
    const build = timed(() => FaceIndex.open(db, new FacesRepository(db), cacheDir));
    const save = timed(() => build.value.persist());
    const result: IndexBuild = {
      buildMs: build.ms,
      saveMs: save.ms,
      faces: build.value.index.size,
      peakRss: peak.stop(),
    };
    process.stdout.write(
      `  ${seconds(result.buildMs)} for ${result.faces} faces, saved in ${seconds(result.saveMs)}; ` +
        `peak RSS of this process ${megabytes(result.peakRss)}\n`,
    );
    fs.writeFileSync(path.join(workDir, RESULT_FILE), JSON.stringify(result));
  } finally {
    db.close();
  }
}

export function readIndexBuild(workDir: string): IndexBuild {
  return JSON.parse(fs.readFileSync(path.join(workDir, RESULT_FILE), 'utf8')) as IndexBuild;
}
