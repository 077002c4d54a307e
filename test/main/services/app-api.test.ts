import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryEvent } from '../../../src/common/api';
import { scannedLibrary, type ScannedLibrary } from '../../support/scanned';

let scanned: ScannedLibrary;
const events: LibraryEvent[] = [];

beforeAll(async () => {
  scanned = await scannedLibrary(['groups/bbt3.jpg', 'groups/bbt5.jpg', 'misc/landscape_waterfall.jpg']);
  scanned.api.subscribe((event) => events.push(event));
});
afterAll(() => scanned.lib.cleanup());

describe('AppApi over a scanned library', () => {
  it('pages the timeline: month counts add up to the photos, pages cover them once', async () => {
    const months = await scanned.api.timeline();
    expect(months.reduce((sum, month) => sum + month.count, 0)).toBe(3);
    const first = await scanned.api.photoPage({ offset: 0, limit: 2 });
    const rest = await scanned.api.photoPage({ offset: 2, limit: 2 });
    expect(new Set([...first, ...rest].map((photo) => photo.id)).size).toBe(3);
  });

  it('gives a photo with its faces, named or not, and its folder', async () => {
    const [photo] = (await scanned.api.listPhotos()).filter((candidate) =>
      candidate.path.endsWith('bbt3.jpg'),
    );
    const detail = await scanned.api.getPhoto({ photoId: photo.id });
    expect(detail).toMatchObject({ fileName: 'bbt3.jpg', folder: fs.realpathSync(scanned.lib.photosDir) });
    expect(detail.faces).toHaveLength(5);
    expect(detail.offline).toBe(false);
    await expect(scanned.api.getPhoto({ photoId: 987654 })).rejects.toThrow(/No photo #987654/);
  });

  it('names through the people service and tells listeners the library changed', async () => {
    const face = (await scanned.api.listFaces()).find((candidate) => candidate.personId === null)!;
    const before = events.length;
    const moved = await scanned.api.moveFaces({ faceIds: [face.id], newPersonName: 'Ada' });
    expect(moved.message).toMatch(/new person "Ada"/);
    expect(events.slice(before)).toEqual([{ type: 'library-changed' }]);
    const ada = (await scanned.api.listPeople()).find((person) => person.name === 'Ada')!;
    expect(await scanned.api.personFaces({ personId: ada.id })).toEqual([
      expect.objectContaining({ id: face.id, confirmed: true }),
    ]);
  });

  it('lists folders with counts, and marks a folder offline when its root is gone', async () => {
    const [folder] = await scanned.api.listFolders();
    expect(folder).toMatchObject({ online: true, photos: 3, pending: 0, errors: 0 });
    expect(folder.lastScan).toBe('2026-01-01T00:00:00.000Z');
    const moved = `${scanned.lib.photosDir}-unplugged`;
    fs.renameSync(scanned.lib.photosDir, moved);
    try {
      expect((await scanned.api.listFolders())[0].online).toBe(false);
      const [photo] = await scanned.api.listPhotos();
      expect(await scanned.api.getPhoto({ photoId: photo.id })).toMatchObject({ offline: true });
    } finally {
      fs.renameSync(moved, scanned.lib.photosDir);
    }
  });

  it('refuses folders that are not absolute, existing directories', async () => {
    await expect(scanned.api.addFolder({ path: 'relative/photos' })).rejects.toThrow(/not a full path/);
    await expect(scanned.api.addFolder({ path: '/no/such/folder/anywhere' })).rejects.toThrow(
      /Folder not found/,
    );
    const file = path.join(scanned.lib.photosDir, 'bbt3.jpg');
    await expect(scanned.api.addFolder({ path: file })).rejects.toThrow(/Not a folder/);
  });

  it("writes XMP sidecars beside a named person's originals, merging into them the second time", async () => {
    const ada = (await scanned.api.listPeople()).find((person) => person.name === 'Ada')!;
    const originals = fs.readdirSync(scanned.lib.photosDir).filter((name) => !name.endsWith('.xmp'));
    const bytes = new Map(
      originals.map((name) => [name, fs.readFileSync(path.join(scanned.lib.photosDir, name))]),
    );

    const first = await scanned.api.writeSidecars({ personIds: [ada.id] });
    expect(first.reports.length).toBeGreaterThan(0);
    for (const report of first.reports) {
      expect(report).toMatchObject({ sidecar: `${report.photo}.xmp`, backup: null, error: null });
      expect(report.faces).toBeGreaterThan(0);
      expect(fs.readFileSync(report.sidecar!, 'utf8')).toContain('Ada');
    }
    expect(first.message).toMatch(/^Wrote \d+ XMP sidecars? beside the originals\.$/);

    const again = await scanned.api.writeSidecars({ personIds: [ada.id] });
    expect(again.reports.every((report) => report.backup !== null && fs.existsSync(report.backup))).toBe(
      true,
    );
    expect(again.message).toMatch(/merged into existing ones, each backed up first/);
    // The photos themselves are untouched.
    for (const [name, before] of bytes)
      expect(fs.readFileSync(path.join(scanned.lib.photosDir, name))).toEqual(before);
  });

  it("leaves a hidden person's suggestions out of Review, and brings them back when shown again", async () => {
    const [own, suggested] = await scanned.api.listFaces();
    await scanned.api.moveFaces({ faceIds: [own.id], newPersonName: 'Harry' });
    await scanned.api.unassignFaces({ faceIds: [suggested.id] });
    const harry = (await scanned.api.listPeople()).find((person) => person.name === 'Harry')!;
    scanned.library.deps.faces.setSuggestion(suggested.id, harry.id, 0.5);
    const harrysSuggestions = async () =>
      (await scanned.api.reviewGroups())
        .find((group) => group.person.id === harry.id)
        ?.faces.map((face) => face.faceId);

    expect(await harrysSuggestions()).toEqual([suggested.id]);
    await scanned.api.setHidden({ personId: harry.id, hidden: true });
    expect(await harrysSuggestions()).toBeUndefined();
    await scanned.api.setHidden({ personId: harry.id, hidden: false });
    expect(await harrysSuggestions()).toEqual([suggested.id]);
  });

  it('removes a folder with its photos and faces, never the files', async () => {
    const [folder] = await scanned.api.listFolders();
    await scanned.api.removeFolder({ folderId: folder.id });
    expect(await scanned.api.listFolders()).toEqual([]);
    expect(await scanned.api.listPhotos()).toEqual([]);
    expect(await scanned.api.listFaces()).toEqual([]);
    expect(fs.existsSync(path.join(scanned.lib.photosDir, 'bbt3.jpg'))).toBe(true);
    await expect(scanned.api.removeFolder({ folderId: folder.id })).rejects.toThrow(/No folder/);
  });
});
