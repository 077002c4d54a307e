import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type {
  FolderSummary,
  PersonSummary,
  PhotoDetail,
  PhotoSummary,
  ReviewGroup,
  ScanState,
} from '../../src/common/api';
import { kindred } from '../support/cli';
import { fixture, tempDir } from '../support/fixtures';
import { callApi, launchChromium, RESULTS_DIR, startServe, type RunningServe } from './support';

/**
 * The app as a user meets it: Debian's Chromium against `kindred serve` on a library scanned from
 * the shared fixtures (the 5 group photos and 40 portraits; the misc folder is added from the UI).
 */
let temp: { dir: string; cleanup: () => void };
let serve: RunningServe;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const api = <T>(method: string, arg?: unknown) => callApi<T>(serve, method, arg);
const people = () => api<PersonSummary[]>('listPeople', { includeHidden: true });
const personNamed = async (name: string) => (await people()).find((person) => person.name === name)!;
const photoOf = async (file: string) =>
  (await api<PhotoSummary[]>('listPhotos')).find((photo) => photo.path.endsWith(file))!;

async function screenshot(name: string): Promise<void> {
  // Let thumbnails finish: every visible image loaded (or failed).
  await page.waitForFunction(() => [...document.images].every((image) => image.complete));
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`) });
}

async function show(hash: string): Promise<void> {
  await page.evaluate((target) => (location.hash = target), hash);
}

beforeAll(async () => {
  temp = tempDir('kindred-e2e-');
  const library = path.join(temp.dir, 'library');
  const scan = kindred(['scan', fixture('groups'), fixture('people'), '--library', library]);
  expect(scan.status, scan.stderr).toBe(0);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  serve = await startServe(library);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  // "Merge these people?" is a native confirm: the user says yes.
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  temp?.cleanup();
});

describe('kindred serve in Chromium', () => {
  it('refuses every request without the token, then keeps the token in an HttpOnly cookie', async () => {
    const bare = (url: string, init?: RequestInit) =>
      fetch(`${serve.origin}${url}`, { redirect: 'manual', ...init });
    expect((await bare('/')).status).toBe(401);
    expect((await bare('/index.html')).status).toBe(401);
    expect((await bare('/?token=wrong')).status).toBe(401);
    expect((await bare('/media/thumb/1')).status).toBe(401);
    const call = await bare('/api/listPeople', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: 'kindred_token=wrong' },
      body: '[]',
    });
    expect(call.status).toBe(401);

    await page.goto(serve.url);
    // The token leaves the address bar for a cookie the page's scripts cannot read.
    expect(new URL(page.url()).search).toBe('');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'kindred_token',
      value: serve.token,
      httpOnly: true,
      sameSite: 'Strict',
    });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    await screenshot('photos');
  });

  it('names a person from the People view, and Enter moves to the next one', async () => {
    await show('#/people');
    const first = page.locator('input[data-unnamed]').first();
    await first.waitFor();
    const label = (await first.getAttribute('aria-label'))!;
    const personId = Number(/\d+$/.exec(label)![0]);
    const second = (await page.locator('input[data-unnamed]').nth(1).getAttribute('aria-label'))!;
    await first.fill('Ada');
    await first.press('Enter');
    await page
      .getByRole('list', { name: 'Named people', exact: true })
      .getByRole('link', { name: 'Ada', exact: true })
      .waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe(second);
    expect((await personNamed('Ada')).id).toBe(personId);
  });

  it('shows the name on the face in the Photo viewer of a group photo', async () => {
    const ada = await personNamed('Ada');
    const photos = await api<PhotoSummary[]>('listPhotos', { personIds: [ada.id] });
    const group = photos.find((photo) => photo.path.includes(`${path.sep}groups${path.sep}`))!;
    expect(group).toBeDefined();
    await show(`#/photo/${group.id}`);
    await page.getByRole('button', { name: 'Face: Ada' }).waitFor();
    await screenshot('photo-viewer');
  });

  it('rejects a face from the Photo viewer: "Not Sam" removes it from Sam for good', async () => {
    // Name everyone else, so that the later steps have named people to work with.
    const unnamed = (await people()).filter((person) => person.name === null);
    const names = ['Grace', 'Sam', 'Lin', 'Omar', 'Ines', 'Theo', 'Ruth'];
    for (const [i, person] of unnamed.entries())
      await api('namePerson', { personId: person.id, name: names[i] });
    const sam = await personNamed('Sam');
    const bbt = await api<PhotoSummary[]>('listPhotos', { personIds: [sam.id] });
    const group = bbt.find((photo) => photo.path.includes(`${path.sep}groups${path.sep}`))!;
    await show(`#/photo/${group.id}`);
    await page.getByRole('button', { name: 'Face: Sam' }).click();
    await page.getByRole('button', { name: 'Not Sam' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /is not "Sam"/ })
      .waitFor();
    const after = await api<PhotoDetail>('getPhoto', { photoId: group.id });
    expect(after.faces.some((face) => face.personId === sam.id)).toBe(false);
    expect(await page.getByRole('button', { name: 'Face: Sam' }).count()).toBe(0);
  });

  it('filters photos by two people, all of them or any of them', async () => {
    const ada = await personNamed('Ada');
    const grace = await personNamed('Grace');
    const both = await api<PhotoSummary[]>('listPhotos', { personIds: [ada.id, grace.id] });
    const either = await api<PhotoSummary[]>('listPhotos', {
      personIds: [ada.id, grace.id],
      anyPerson: true,
    });
    expect(both.length).toBeGreaterThan(0);
    expect(either.length).toBeGreaterThan(both.length);
    await show('#/photos');
    await page.reload();
    const filter = page.getByRole('group', { name: 'Filter by people' });
    await filter.getByRole('button', { name: 'Ada' }).click();
    await filter.getByRole('button', { name: 'Grace' }).click();
    const subtitle = page.locator('.sub');
    await expect
      .poll(() => subtitle.textContent())
      .toBe(`${both.length} photos with all of the chosen people`);
    await expect
      .poll(() => page.getByRole('list', { name: 'Photos' }).getByRole('link').count())
      .toBe(both.length);
    await screenshot('photos-filtered');
    await page.getByRole('radio', { name: 'Any of them' }).check();
    await expect
      .poll(() => subtitle.textContent())
      .toBe(`${either.length} photos with any of the chosen people`);
  });

  it('scrolls the timeline and the People page on the compositor, not by repainting them', async () => {
    // Chromium repaints a scroller on every scroll frame unless it scrolls it on the compositor,
    // which it declines for a transparent scroller on a display that keeps LCD text (1 device pixel
    // per CSS pixel, as here): five times the raster work and frames over 50 ms (docs/ui-bench.md).
    const cdp = await context.newCDPSession(page);
    type Layer = { layerId: string; backendNodeId?: number };
    // The compositor reports its layer tree after each commit; keep the latest.
    let latest: Layer[] = [];
    let trees = 0;
    cdp.on('LayerTree.layerTreeDidChange', (event: { layers?: Layer[] }) => {
      if (!event.layers) return;
      latest = event.layers;
      trees++;
    });
    try {
      await cdp.send('DOM.enable');
      await cdp.send('LayerTree.enable');
      /** Whether the element `selector` is a layer that Chromium scrolls on the compositor. */
      const scrollsOnCompositor = async (selector: string): Promise<boolean> => {
        const before = trees;
        // A scroll makes the compositor commit and report a fresh tree.
        await page.$eval(selector, (element) => (element.scrollTop = element.scrollTop > 0 ? 0 : 40));
        await expect.poll(() => trees, { timeout: 5_000 }).toBeGreaterThan(before);
        const { result } = await cdp.send('Runtime.evaluate', {
          expression: `document.querySelector(${JSON.stringify(selector)})`,
        });
        const { node } = await cdp.send('DOM.describeNode', { objectId: result.objectId });
        for (const layer of latest.filter((each) => each.backendNodeId === node.backendNodeId)) {
          const reasons = await cdp
            .send('LayerTree.compositingReasons', { layerId: layer.layerId })
            .catch(() => undefined); // a layer already replaced by a newer tree
          if (reasons?.compositingReasonIds?.includes('OverflowScrolling')) return true;
        }
        return false;
      };
      await page.setViewportSize({ width: 1280, height: 420 });
      for (const [hash, scroller, content] of [
        ['#/photos', '.scroller', '.cell img'],
        ['#/people', '.page', '.card img'],
      ]) {
        await show(hash);
        await page.waitForSelector(content);
        expect(
          await page.$eval(scroller, (element) => element.scrollHeight > element.clientHeight),
          `${scroller} of ${hash} has something to scroll`,
        ).toBe(true);
        // Polled: a tree reported while the view was still rendering may not hold the scroller yet.
        await expect
          .poll(() => scrollsOnCompositor(scroller), {
            timeout: 15_000,
            message: `${scroller} of ${hash} scrolls on the compositor`,
          })
          .toBe(true);
      }
    } finally {
      await cdp.detach();
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('adds a folder from the Folders view and shows the scan finishing', async () => {
    await show('#/folders');
    await page.getByRole('textbox', { name: 'Folder path' }).fill(fixture('misc'));
    await page.getByRole('button', { name: 'Add folder' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /scanning it now/ })
      .waitFor();
    await expect
      .poll(async () => (await api<ScanState | null>('scanState'))?.phase, {
        timeout: 120_000,
        interval: 500,
      })
      .toBe('done');
    const misc = page
      .getByRole('list', { name: 'Library folders' })
      .getByRole('listitem')
      .filter({ hasText: 'misc' });
    await expect.poll(() => misc.textContent(), { timeout: 10_000 }).toMatch(/17 photos/);
    await screenshot('folders');
  });

  it('adds a face the detector missed by drawing a box in the Photo viewer', async () => {
    const photo = await photoOf('angry.jpg');
    const before = await api<PhotoDetail>('getPhoto', { photoId: photo.id });
    await show(`#/photo/${photo.id}`);
    await page.getByRole('button', { name: 'Add a missed face' }).click();
    const frame = (await page.locator('.frame').boundingBox())!;
    // A box in the top-left quarter of the photo, away from the face the detector found.
    await page.mouse.move(frame.x + frame.width * 0.05, frame.y + frame.height * 0.05);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width * 0.2, frame.y + frame.height * 0.25, { steps: 5 });
    await page.mouse.up();
    await page
      .getByRole('status')
      .filter({ hasText: /^Added face \d+/ })
      .waitFor({ timeout: 60_000 });
    const after = await api<PhotoDetail>('getPhoto', { photoId: photo.id });
    expect(after.faces).toHaveLength(before.faces.length + 1);
    const added = after.faces.find((face) => !before.faces.some((old) => old.id === face.id))!;
    expect(added.box.x).toBeLessThan(after.width! * 0.1);
    expect(added.box.width).toBeGreaterThan(after.width! * 0.1);
  });

  it('confirms a review suggestion with the keyboard', async () => {
    // A new photo with a face Kindred is unsure of: the partly hidden man at bbt2's left edge (47 px,
    // unlabeled in the fixtures) lies 0.52–0.53 from a named person's nearest face, past the 0.5
    // that joins a person and inside the 0.6 that suggests one (his box comes from the 2× canvas).
    // Its mirror image has the same descriptor (the stored one averages the chip's and its
    // mirror's), and a face scanned after the people were named is suggested for review. (The
    // margin to 0.5 is thin: a change to the engine that moves this face may need another photo here.)
    const folder = path.join(temp.dir, 'review-photos');
    fs.mkdirSync(folder);
    await sharp(fixture('groups/bbt2.jpg'))
      .flop()
      .jpeg({ quality: 92 })
      .toFile(path.join(folder, 'bbt2-mirrored.jpg'));
    await api('addFolder', { path: folder });
    await expect
      .poll(
        async () => {
          const added = (await api<FolderSummary[]>('listFolders')).find((entry) => entry.path === folder);
          const scan = await api<ScanState | null>('scanState');
          return added?.photos === 1 && added.pending === 0 && scan?.phase === 'done';
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe(true);
    const mirrored = await photoOf('bbt2-mirrored.jpg');
    const before = await api<ReviewGroup[]>('reviewGroups');
    const group = before.find((candidate) => candidate.faces.some((face) => face.photoId === mirrored.id));
    expect(group, 'the mirrored group photo should bring a suggestion for a named person').toBeDefined();
    const suggestion = group!.faces.find((face) => face.photoId === mirrored.id)!;
    const person = group!.person;
    await show('#/review');
    const face = page.getByRole('button', { name: `Face ${suggestion.faceId}: is this ${person.name}?` });
    await face.waitFor();
    await screenshot('review');
    await face.focus();
    await page.keyboard.press('y');
    await page
      .getByRole('status')
      .filter({ hasText: `Confirmed face ${suggestion.faceId}` })
      .waitFor();
    const photo = await api<PhotoDetail>('getPhoto', { photoId: suggestion.photoId });
    expect(photo.faces.find((candidate) => candidate.id === suggestion.faceId)).toMatchObject({
      personId: person.id,
      confirmed: true,
    });
  });

  it('merges two people selected in the People view', async () => {
    const lin = await personNamed('Lin');
    const omar = await personNamed('Omar');
    await show('#/people');
    await page.reload();
    await page.getByRole('checkbox', { name: 'Select Lin' }).check();
    await page.getByRole('checkbox', { name: 'Select Omar' }).check();
    await screenshot('people-selected');
    await page.getByRole('button', { name: 'Merge 2 people' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Merged/ })
      .waitFor();
    const after = await people();
    expect(after.some((person) => person.id === omar.id)).toBe(false);
    expect(after.find((person) => person.id === lin.id)!.faces).toBe(lin.faces + omar.faces);
    await page.getByRole('checkbox', { name: 'Select Omar' }).waitFor({ state: 'detached' });
  });

  it('opens a person with their faces and photos', async () => {
    const ada = await personNamed('Ada');
    await show(`#/person/${ada.id}`);
    await page.getByRole('heading', { name: 'Ada', level: 1 }).waitFor();
    await expect
      .poll(() => page.getByRole('list', { name: 'Photos of this person' }).getByRole('link').count())
      .toBe(ada.photos);
    await screenshot('person');

    // Fix a mistake in bulk: select a face in the strip, "Not Ada".
    const strip = page.getByRole('region', { name: 'Faces of Ada' });
    await strip
      .getByRole('button', { name: /^Face \d+/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Not Ada (1)' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /is not "Ada"/ })
      .waitFor();
    expect((await personNamed('Ada')).faces).toBe(ada.faces - 1);

    // A birth date, through the date field.
    await page.getByRole('button', { name: 'Birth date' }).click();
    await page.getByLabel('Birth date', { exact: true }).fill('1980-05-14');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Birth date of "Ada".*1980-05-14/ })
      .waitFor();
    expect((await personNamed('Ada')).birthDate).toBe('1980-05-14');
    await show('#/people');
    await page.getByRole('list', { name: 'Named people', exact: true }).waitFor();
    await screenshot('people');
    expect((await photoOf('bbt1.jpg')).faces).toBeGreaterThan(0);
  });
});
