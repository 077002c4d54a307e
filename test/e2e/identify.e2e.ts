import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderSummary, PersonSummary, PhotoSummary } from '../../src/common/api';
import { fixture, tempDir } from '../support/fixtures';
import { callApi, launchChromium, RESULTS_DIR, startServe, type RunningServe } from './support';

/**
 * The Identify dialog as a user meets it, in Chromium against `kindred serve` (browser mode: the
 * folders are typed), opened from the Folders view of an empty library: three known photos each
 * of four people (and one known photo without a face), the group photos to identify.
 */
const PEOPLE = ['amy', 'leonard', 'penny', 'sheldon'];
let temp: { dir: string; cleanup: () => void };
let serve: RunningServe;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let known: string;

const api = <T>(method: string, arg?: unknown) => callApi<T>(serve, method, arg);

beforeAll(async () => {
  temp = tempDir('kindred-e2e-identify-');
  known = path.join(temp.dir, 'known');
  for (const person of PEOPLE) {
    fs.mkdirSync(path.join(known, person), { recursive: true });
    for (const n of [1, 2, 3]) {
      fs.copyFileSync(
        fixture(`people/${person}/${person}${n}.png`),
        path.join(known, person, `${person}${n}.png`),
      );
    }
  }
  fs.copyFileSync(fixture('misc/landscape_waterfall.jpg'), path.join(known, 'penny', 'waterfall.jpg'));
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  serve = await startServe(path.join(temp.dir, 'library'), ['--no-watch']);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(serve.url);
  await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
  await page.evaluate(() => (location.hash = '#/folders'));
  await page.getByRole('heading', { name: 'Folders', level: 1 }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  temp?.cleanup();
});

describe('the Identify dialog', () => {
  it('says what is wrong with a folder that is not a full path, and the API refuses it too', async () => {
    await page.getByRole('button', { name: 'Identify people in a folder…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Identify people in a folder' });
    await dialog.getByLabel('Known people').fill('known');
    await dialog.getByLabel('Photos to identify').fill(fixture('groups'));
    await dialog.getByLabel('Output folder').fill(path.join(temp.dir, 'out'));
    await dialog.getByRole('button', { name: 'Identify', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/"known" is not a full path/);
    await expect(
      api('identifyPhotos', { knownDir: 'known', unknownDir: fixture('groups'), outDir: '/tmp/x' }),
    ).rejects.toThrow(/knownDir: give the full path/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('names the faces of the group photos, shows the summary, the warning by name and the table', async () => {
    const out = path.join(temp.dir, 'identified');
    await page.getByRole('button', { name: 'Identify people in a folder…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Identify people in a folder' });
    await dialog.getByLabel('Known people').fill(known);
    await dialog.getByLabel('Photos to identify').fill(fixture('groups'));
    await dialog.getByLabel('Output folder').fill(out);
    await dialog.getByRole('button', { name: 'Identify', exact: true }).click();
    const summary = dialog.getByRole('status').filter({ hasText: /faces? named/ });
    await summary.waitFor({ timeout: 240_000 });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'identify-dialog.png'), fullPage: true });

    const rows = await dialog
      .getByRole('table', { name: 'Results' })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())),
      );
    const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(csv.length);
    const names = rows.map((row) => row[2]);
    for (const person of PEOPLE) expect(names).toContain(person);
    const named = names.filter((name) => name !== 'unknown').length;
    expect(named).toBeGreaterThan(0);
    expect(await summary.textContent()).toMatch(
      new RegExp(`${named} faces? named, ${rows.length - named} unknown\\s+against 4 known people`),
    );
    expect(await summary.textContent()).toContain(fs.realpathSync(out));
    expect(await dialog.getByRole('list', { name: 'Warnings' }).textContent()).toMatch(
      /penny: no face found in .*waterfall\.jpg/,
    );
    expect(fs.readdirSync(out).sort()).toEqual([
      'bbt1.jpg',
      'bbt2.jpg',
      'bbt3.jpg',
      'bbt4.jpg',
      'bbt5.jpg',
      'results.csv',
    ]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('leaves the app’s library as it was: no folder, photo or person was added', async () => {
    expect(await api<FolderSummary[]>('listFolders')).toEqual([]);
    expect(await api<PhotoSummary[]>('listPhotos')).toEqual([]);
    expect(await api<PersonSummary[]>('listPeople')).toEqual([]);
  });
});
