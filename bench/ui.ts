/**
 * `npm run bench:ui`: the app at family-library scale, measured in Debian's Chromium.
 *
 * Builds a library of 100,000 photos: the fixture photos are scanned for real, then copied as
 * synthetic rows (dates spread over 20 years, faces copied from real ones) that share the real
 * photos' content hashes, so their thumbnails come from the same cache. One person gets 5,000
 * photos. Then `kindred serve` is started and Chromium measures:
 * - first paint of People and of Photos (navigation start → first face / thumbnail shown);
 * - opening the person with 5,000 photos from People (click → header and first thumbnails shown);
 * - frame times while scrolling the timeline: a fast fling, a sweep from top to bottom (both fast
 *   enough that the timeline defers photos until they stop), and a reading pace that loads photos
 *   as it goes; and how long after the sweep stops the thumbnails in view are shown.
 * Targets: first paint < 1 s, open person < 300 ms, no frame > 50 ms. Prints a Markdown report.
 *
 *   npm run bench:ui -- [--photos 100000] [--person-photos 5000] [--paces 16,32,64] [--keep]
 *
 * `--paces` adds scrolls at those speeds (px a frame, 600 frames each, from a third of the way
 * down), to probe the speeds between the reading pace and a fling.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveLibrary } from '../src/main/library-paths';
import { openLibrary } from '../src/main/open-library';
import { DEFAULT_PIPELINE } from '../src/main/vision/pipeline';
import { callApi, launchChromium, startServe } from '../test/e2e/support';
import { FIXTURES } from '../test/support/fixtures';
import { describeCpu } from './machine';
import type { PersonSummary } from '../src/common/api';

const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    'person-photos': { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
    paces: { type: 'string', default: '' },
  },
});
/** Extra scrolls, in px a frame (e.g. `--paces 16,32,64`), 600 frames each from the middle. */
const PACES = args.paces ? args.paces.split(',').map(Number) : [];
const PHOTOS = Number(args.photos);
const PERSON_PHOTOS = Number(args['person-photos']);

/** Builds the library; returns the ids of the real (scanned) photos. */
async function buildLibrary(dir: string): Promise<number[]> {
  const library = openLibrary(resolveLibrary(dir));
  try {
    await library.scan([path.join(FIXTURES, 'groups'), path.join(FIXTURES, 'people')], {
      pipeline: DEFAULT_PIPELINE,
    });
    const db = library.deps.db;
    const real = db
      .prepare(
        `SELECT id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, content_hash AS hash, width, height FROM photos WHERE status = 'indexed' ORDER BY id`,
      )
      .all() as {
      id: number;
      folderId: number;
      path: string;
      size: number;
      mtimeMs: number;
      hash: string;
      width: number;
      height: number;
    }[];
    // Other people's faces only: the star's photo count stays PERSON_PHOTOS (plus their real ones).
    const facesOf = db.prepare(`SELECT id FROM faces WHERE photo_id = ? AND person_id IS NOT ?`).pluck();
    // The person with most faces gets PERSON_PHOTOS photos: their real faces are copied onto them.
    const star = db
      .prepare(
        `SELECT person_id FROM faces WHERE person_id IS NOT NULL GROUP BY person_id ORDER BY COUNT(*) DESC LIMIT 1`,
      )
      .pluck()
      .get() as number;
    const starFaces = db.prepare(`SELECT id FROM faces WHERE person_id = ?`).pluck().all(star) as number[];
    const insertPhoto = db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, content_hash, width, height, taken_at, status, analysed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'indexed', '2026-01-01T00:00:00Z')`,
    );
    const copyFace = db.prepare(
      `INSERT INTO faces (photo_id, x, y, width, height, score, landmarks, embedding, person_id, assigned_by, created_at, grouped)
       SELECT ?, x, y, width, height, score, landmarks, embedding, person_id, assigned_by, created_at, 1 FROM faces WHERE id = ?`,
    );
    const start = Date.UTC(2006, 0, 1);
    const span = Date.UTC(2026, 0, 1) - start;
    db.transaction(() => {
      for (let i = 0; i < PHOTOS - real.length; i++) {
        const source = real[i % real.length];
        // Spread evenly over 20 years, newest last, with a fake path (the file is the fixture's: same hash).
        const takenAt = new Date(start + Math.floor((span * i) / PHOTOS)).toISOString().slice(0, 19);
        const id = Number(
          insertPhoto.run(
            source.folderId,
            `${source.path}#synthetic-${i}`,
            source.size,
            source.mtimeMs,
            source.hash,
            source.width,
            source.height,
            takenAt,
          ).lastInsertRowid,
        );
        if (i < PERSON_PHOTOS) copyFace.run(id, starFaces[i % starFaces.length]);
        else if (i % 4 === 0)
          for (const face of facesOf.all(source.id, star) as number[]) copyFace.run(id, face);
      }
    })();
    // The face index log grew with every copy; the bench never groups, so it can go.
    db.exec(`DELETE FROM face_index_log`);
    return real.map((photo) => photo.id);
  } finally {
    library.close();
  }
}

interface Figures {
  peopleFirstPaint: number;
  photosFirstPaint: number;
  /** Median of three opens after the first. */
  openPerson: number;
  openPersonCold: number;
  personPhotos: number;
  frames: number[];
  scrolled: number;
  fling: number[];
  flung: number;
  /** Frames of a scroll slow enough that photos load while it goes. */
  read: number[];
  readScrolled: number;
  /** After the sweep stops at the bottom: until every cell in view shows its thumbnail. */
  settled: number;
  /** The `--paces` scrolls: px a frame and each frame's time. */
  paces: { step: number; frames: number[] }[];
}

async function measure(libraryDir: string, realIds: number[]): Promise<Figures> {
  // Not watching: the synthetic rows point at files that do not exist, which a watcher would remove.
  const serve = await startServe(libraryDir, ['--no-watch']);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with a __name helper that the page does not have.
    await context.addInitScript('window.__name = (fn) => fn;');
    const warm = await context.newPage();
    await warm.goto(serve.url); // sets the cookie
    await warm.close();
    // The synthetic rows share the real photos' content hashes: make each real thumbnail once.
    for (const id of realIds) {
      await fetch(`${serve.origin}/media/thumb/${id}`, {
        headers: { Cookie: `kindred_token=${serve.token}` },
      });
    }
    const firstPaint = async (hash: string, selector: string): Promise<number> => {
      const page = await context.newPage();
      await page.goto(`${serve.origin}/${hash}`);
      await page.waitForFunction(
        (sel) =>
          [...document.querySelectorAll<HTMLImageElement>(sel)].some(
            (image) => image.complete && image.naturalWidth > 0,
          ),
        selector,
        { polling: 'raf' },
      );
      const ms = await page.evaluate(() => performance.now());
      await page.close();
      return ms;
    };
    // Twice each: the first run makes the thumbnails of the fixtures (once per library, ever).
    await firstPaint('#/people', '.card img');
    await firstPaint('#/photos', '.cell img');
    const peopleFirstPaint = await firstPaint('#/people', '.card img');
    const photosFirstPaint = await firstPaint('#/photos', '.cell img');

    const people = await callApi<PersonSummary[]>(serve, 'listPeople');
    const star = people.reduce((best, person) => (person.photos > best.photos ? person : best));
    const page = await context.newPage();
    const openOnce = async (): Promise<number> => {
      await page.goto(`${serve.origin}/#/people`);
      await page.waitForSelector('.card img');
      return page.evaluate(async (id) => {
        const started = performance.now();
        (document.querySelector(`a.face[href="#/person/${id}"]`) as HTMLElement).click();
        await new Promise<void>((resolve) => {
          const check = () => {
            const shown = document.querySelector('h1') && document.querySelector('.cell img');
            if (shown) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - started;
      }, star.id);
    };
    // The first open also makes the person's face crops and warms SQLite's page cache.
    const openPersonCold = await openOnce();
    const warmOpens = [await openOnce(), await openOnce(), await openOnce()].sort((a, b) => a - b);
    const openPerson = warmOpens[1];

    await page.evaluate(() => (location.hash = '#/photos'));
    await page.reload();
    await page.waitForSelector('.cell img');
    // Scrolls by `step` px a frame for `count` frames (or to the end) and returns each frame's time.
    const scroll = async (step: number, count: number) => {
      const result = await page.evaluate(
        async ([step, count, limit]) => {
          const scroller = document.querySelector('.scroller') as HTMLElement;
          const deltas: number[] = [];
          // What the renderer's main thread did in each frame over 50 ms (long-animation-frame
          // entries): tells script, style and layout, and paint apart from time spent off the main
          // thread (the compositor, rasterizing, or waiting for a core).
          const slow: string[] = [];
          const observer = new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & {
              renderStart: number;
              styleAndLayoutStart: number;
              scripts: { invoker: string; duration: number }[];
            })[]) {
              if (entry.duration <= limit) continue;
              const script = entry.scripts.reduce((sum, s) => sum + s.duration, 0);
              const render = entry.renderStart ? entry.startTime + entry.duration - entry.renderStart : 0;
              const layout = entry.styleAndLayoutStart
                ? entry.startTime + entry.duration - entry.styleAndLayoutStart
                : 0;
              slow.push(
                `at ${Math.round(entry.startTime)}: ${Math.round(entry.duration)} ms (scripts ${Math.round(script)}` +
                  `${entry.scripts.map((s) => ` ${s.invoker} ${Math.round(s.duration)}`).join(',')}; ` +
                  `render ${Math.round(render)}, of which style+layout ${Math.round(layout)})`,
              );
            }
          });
          observer.observe({ type: 'long-animation-frame' });
          const times: number[] = [];
          const end = scroller.scrollHeight - scroller.clientHeight;
          const start = scroller.scrollTop;
          let last = performance.now();
          await new Promise<void>((resolve) => {
            const frame = (now: number) => {
              deltas.push(now - last);
              times.push(Math.round(now));
              last = now;
              if (scroller.scrollTop >= end - 1 || deltas.length > count) return resolve();
              scroller.scrollTop = Math.min(end, scroller.scrollTop + step);
              requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
          });
          observer.disconnect();
          const longAt = deltas.flatMap((delta, i) =>
            delta > limit ? [`#${i - 1} ended at ${times[i]}`] : [],
          );
          return {
            frames: deltas.slice(1),
            scrolled: scroller.scrollTop - start,
            height: end,
            slow: [...longAt, ...slow],
          };
        },
        [step, count, LONG_FRAME_MS],
      );
      if (result.slow.length > 0)
        process.stderr.write(
          `scroll at ${step} px a frame, frames over ${LONG_FRAME_MS} ms: ${result.slow.join('; ')}\n`,
        );
      return result;
    };
    // Waits until every cell in the scroller's view shows a decoded thumbnail; returns the time.
    const thumbnailsShown = () =>
      page.evaluate(async () => {
        const started = performance.now();
        const box = (document.querySelector('.scroller') as HTMLElement).getBoundingClientRect();
        await new Promise<void>((resolve) => {
          const check = () => {
            const cells = [...document.querySelectorAll('.cell')].filter((cell) => {
              const rect = cell.getBoundingClientRect();
              return rect.bottom > box.top && rect.top < box.bottom;
            });
            const shown = cells.every((cell) => {
              const image = cell.querySelector('img');
              return image?.complete && image.naturalWidth > 0;
            });
            if (cells.length > 0 && shown) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - started;
      });
    // A fast fling (about 14,000 px/s at 60 Hz), then the whole timeline in 1,200 frames.
    const fling = await scroll(240, 1200);
    await page.evaluate(() => ((document.querySelector('.scroller') as HTMLElement).scrollTop = 0));
    const height = await page.evaluate(() => {
      const scroller = document.querySelector('.scroller') as HTMLElement;
      return scroller.scrollHeight - scroller.clientHeight;
    });
    const sweep = await scroll(Math.ceil(height / 1200), 1300);
    const frames = sweep.frames;
    const scrolled = sweep.scrolled;
    // From the bottom, the time until every cell in view shows its thumbnail: what a fast scroll
    // defers (the timeline loads photos only once a fast scroll slows or pauses).
    const settled = await thumbnailsShown();
    // A reading pace (2,900 px/s), slow enough that photos load while it scrolls, from the middle.
    await page.evaluate(() => {
      const scroller = document.querySelector('.scroller') as HTMLElement;
      scroller.scrollTop = scroller.scrollHeight / 2;
    });
    await thumbnailsShown();
    const read = await scroll(48, 1200);
    const paces: { step: number; frames: number[] }[] = [];
    for (const step of PACES) {
      await page.evaluate(() => {
        const scroller = document.querySelector('.scroller') as HTMLElement;
        scroller.scrollTop = scroller.scrollHeight / 3;
      });
      await thumbnailsShown();
      paces.push({ step, frames: (await scroll(step, 600)).frames });
    }
    return {
      paces,
      peopleFirstPaint,
      photosFirstPaint,
      openPerson,
      openPersonCold,
      personPhotos: star.photos,
      frames,
      scrolled,
      fling: fling.frames,
      flung: fling.scrolled,
      read: read.frames,
      readScrolled: read.scrolled,
      settled,
    };
  } finally {
    await browser.close();
    await serve.stop();
  }
}

/** The target: no frame longer than this while scrolling. */
const LONG_FRAME_MS = 50;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-bench-ui-'));
  try {
    const built = performance.now();
    const realIds = await buildLibrary(dir);
    process.stderr.write(
      `library of ${PHOTOS} photos built in ${((performance.now() - built) / 1000).toFixed(1)} s\n`,
    );
    const figures = await measure(dir, realIds);
    // Every scroll measured, with its label in the report and its short name on stderr.
    const scrolls = [
      {
        name: 'sweep',
        what: `sweep the whole timeline (${Math.round(figures.scrolled / 1000)}k px, ${figures.frames.length} frames)`,
        frames: figures.frames,
      },
      {
        name: 'fling',
        what: `fling through ${Math.round(figures.flung / 1000)}k px at 240 px a frame (${figures.fling.length} frames)`,
        frames: figures.fling,
      },
      {
        name: 'read',
        what: `read through ${Math.round(figures.readScrolled / 1000)}k px at 48 px a frame, photos loading (${figures.read.length} frames)`,
        frames: figures.read,
      },
      ...figures.paces.map(({ step, frames }) => ({
        name: `${step} px`,
        what: `scroll at ${step} px a frame (${frames.length} frames)`,
        frames,
      })),
    ];
    const long = (frames: number[]) => frames.filter((frame) => frame > LONG_FRAME_MS);
    // Where each long frame fell in its scroll: the start of a scroll, a page landing, or steady state.
    const longAt = (frames: number[]) =>
      frames.flatMap((frame, i) => (frame > LONG_FRAME_MS ? [`#${i} ${frame.toFixed(2)} ms`] : []));
    process.stderr.write(
      `long frames: ${scrolls.map(({ name, frames }) => `${name}: ${longAt(frames).join(', ') || 'none'}`).join('; ')}\n`,
    );
    const ms = (value: number) => `${Math.round(value)} ms`;
    const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
    const scrollRow = ({ what, frames }: { what: string; frames: number[] }) =>
      `| ${what}: median / p95 / max frame | ${ms(percentile(frames, 50))} / ${ms(percentile(frames, 95))} / ${ms(Math.max(...frames))} | no frame > ${LONG_FRAME_MS} ms: ${verdict(long(frames).length === 0)} (${long(frames).length} over) |`;
    process.stdout.write(
      [
        `| what (${PHOTOS.toLocaleString('en')} photos, Chromium ${'headless'}, ${os.cpus().length} cores) | figure | target |`,
        '| --- | --- | --- |',
        `| first paint of People | ${ms(figures.peopleFirstPaint)} | < 1 s: ${verdict(figures.peopleFirstPaint < 1000)} |`,
        `| first paint of Photos | ${ms(figures.photosFirstPaint)} | < 1 s: ${verdict(figures.photosFirstPaint < 1000)} |`,
        `| open a person with ${figures.personPhotos.toLocaleString('en')} photos (median of 3; the first open: ${ms(figures.openPersonCold)}) | ${ms(figures.openPerson)} | < 300 ms: ${verdict(figures.openPerson < 300)} |`,
        // The bench's own three scrolls, what a fast scroll defers, then the --paces probes.
        ...scrolls.slice(0, 3).map(scrollRow),
        `| thumbnails in view after the sweep stops | ${ms(figures.settled)} | (none) |`,
        ...scrolls.slice(3).map(scrollRow),
        '',
        `load average during the run: ${os
          .loadavg()
          .map((value) => value.toFixed(1))
          .join(' / ')} (1 / 5 / 15 min) on ${os.cpus().length} cores`,
        describeCpu(),
        '',
      ].join('\n'),
    );
  } finally {
    if (args.keep) process.stderr.write(`library kept in ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
