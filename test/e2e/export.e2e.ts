import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceSummary, PersonSummary, PhotoSummary } from '../../src/common/api';
import { kindred } from '../support/cli';
import { fixture, tempDir } from '../support/fixtures';
import { callApi, launchChromium, RESULTS_DIR, startServe, type RunningServe } from './support';

/**
 * The Export dialog as a user meets it, in Chromium against `kindred serve` (browser mode: the
 * output folder is typed): from the Photo viewer, a Person and the Photos view.
 */
let temp: { dir: string; cleanup: () => void };
let serve: RunningServe;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let bbt4: PhotoSummary;
let sheldon: PersonSummary;

const api = <T>(method: string, arg?: unknown) => callApi<T>(serve, method, arg);
const show = (hash: string) => page.evaluate((target) => (location.hash = target), hash);
const jpegsIn = (dir: string) => fs.readdirSync(dir).filter((name) => name.endsWith('.jpg'));

async function exportTo(outDir: string, options: { csv?: boolean; unnamed?: boolean } = {}): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByLabel('Output folder').fill(outDir);
  if (options.csv) await dialog.getByLabel('Write faces.csv').check();
  if (options.unnamed) await dialog.getByLabel(/faces without a name/).check();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const status = dialog.getByRole('status').filter({ hasText: /^Exported/ });
  await status.waitFor();
  return (await status.textContent()) ?? '';
}

beforeAll(async () => {
  temp = tempDir('kindred-e2e-export-');
  const library = path.join(temp.dir, 'library');
  const scan = kindred(['scan', fixture('groups'), '--library', library]);
  expect(scan.status, scan.stderr).toBe(0);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  serve = await startServe(library, ['--no-watch']);
  bbt4 = (await api<PhotoSummary[]>('listPhotos')).find((photo) => photo.path.endsWith('bbt4.jpg'))!;
  // Sheldon is the rightmost of bbt4's front row; name his face so the copy has a name to draw.
  const faces = (await api<FaceSummary[]>('listFaces')).filter((face) => face.photo === bbt4.path);
  const front = faces.filter((face) => face.box.y > 150).sort((a, b) => b.box.x - a.box.x)[0];
  await api('moveFaces', { faceIds: [front.id], newPersonName: 'Sheldon' });
  sheldon = (await api<PersonSummary[]>('listPeople')).find((person) => person.name === 'Sheldon')!;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await page.goto(serve.url);
  await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  temp?.cleanup();
});

describe('the Export dialog', () => {
  it('exports the photo open in the viewer, with faces.csv, through the typed folder', async () => {
    const out = path.join(temp.dir, 'one photo');
    await show(`#/photo/${bbt4.id}`);
    await page.getByRole('button', { name: 'Export this photo…' }).click();
    await page.screenshot({ path: path.join(RESULTS_DIR, 'export-dialog.png') });
    const message = await exportTo(out, { csv: true });
    expect(message).toMatch(/Exported 1 photo \(1 face labelled\)/);
    expect(jpegsIn(out)).toEqual(['bbt4.jpg']);
    const csv = fs.readFileSync(path.join(out, 'faces.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',Sheldon,');
    const copy = await sharp(path.join(out, 'bbt4.jpg')).metadata();
    expect([copy.width, copy.height]).toEqual([bbt4.width, bbt4.height]);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('says what is wrong with a folder that is not a full path, and the API refuses it too', async () => {
    await page.getByRole('button', { name: 'Export this photo…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Output folder').fill('relative/out');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/not a full path/);
    await expect(api('exportPhotos', { outDir: 'relative/out' })).rejects.toThrow(/full path/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it("exports a person's photos from the Person view", async () => {
    const out = path.join(temp.dir, 'sheldon');
    await show(`#/person/${sheldon.id}`);
    await page.getByRole('button', { name: 'Export photos…' }).click();
    const message = await exportTo(out);
    const photos = await api<PhotoSummary[]>('listPhotos', { personIds: [sheldon.id] });
    expect(jpegsIn(out)).toHaveLength(photos.length);
    expect(message).toMatch(new RegExp(`Exported ${photos.length} photo`));
  });

  it('exports every photo with a face from the Photos view, unnamed faces as "?"', async () => {
    const out = path.join(temp.dir, 'all');
    await show('#/photos');
    await page.getByRole('button', { name: 'Export…' }).click();
    const message = await exportTo(out, { unnamed: true });
    expect(jpegsIn(out).sort()).toEqual(['bbt1.jpg', 'bbt2.jpg', 'bbt3.jpg', 'bbt4.jpg', 'bbt5.jpg']);
    const faces = await api<FaceSummary[]>('listFaces');
    expect(message).toMatch(new RegExp(`\\(${faces.length} faces labelled\\)`));
  });
});
