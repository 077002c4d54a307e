/**
 * XMP face regions read at scan time, through the real scan (worker pool, models, SQLite):
 * the Curie orientation fixtures, Microsoft Photo and MWG regions in both sidecar spellings,
 * hostile packets, a region with no detected face, and decisions made in Kindred winning.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaceSummary } from '../../../src/common/api';
import { embedXmpInJpeg } from '../../../src/main/interchange/xmp-write';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { fixture } from '../../support/fixtures';
import { createTestLibrary, fixedClock, type TestLibrary } from '../../support/library';

const scanOptions = { workers: 2, pipeline: DEFAULT_PIPELINE };
const CURIE = ['curie_upright.jpg', 'curie_exif3.jpg', 'curie_exif6.jpg', 'curie_exif8.jpg'];

let lib: TestLibrary;
beforeEach(() => {
  lib = createTestLibrary();
});
afterEach(() => lib.cleanup());

/** The names on a photo's faces, left to right in the upright photo. */
function namesLeftToRight(faces: FaceSummary[], photo: string): (string | null)[] {
  return faces
    .filter((face) => path.basename(face.photo) === photo)
    .sort((a, b) => a.box.x - b.box.x)
    .map((face) => face.personName);
}

function stripXmp(file: string): void {
  execFileSync('exiftool', ['-q', '-overwrite_original', '-XMP:all=', file]);
}

/** An RDF/XMP document around `body` (rdf:Description content with the usual prefixes bound). */
function xmpDocument(body: string): string {
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
  xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
  xmlns:MP="http://ns.microsoft.com/photo/1.2/" xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
  xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#">${body}</rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}

/** MWG regions; areas centre-based, normalized, on the stored pixels. */
function mwg(regions: { name: string; x: number; y: number; w: number; h: number; type?: string }[]): string {
  const items = regions
    .map(
      (
        r,
      ) => `<rdf:li rdf:parseType="Resource"><mwg-rs:Name>${r.name}</mwg-rs:Name><mwg-rs:Type>${r.type ?? 'Face'}</mwg-rs:Type>
      <mwg-rs:Area stArea:x="${r.x}" stArea:y="${r.y}" stArea:w="${r.w}" stArea:h="${r.h}" stArea:unit="normalized"/></rdf:li>`,
    )
    .join('');
  return `<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>${items}</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>`;
}

describe('XMP face regions read at scan', () => {
  it('after a scan of misc/, Marie Curie is named on the left face of the upright photo in all four files', async () => {
    const library = lib.open({ clock: fixedClock() });
    await library.scan([fixture('misc')], scanOptions);
    const faces = await library.listFaces();
    for (const photo of CURIE) {
      expect(namesLeftToRight(faces, photo), photo).toEqual(['Marie Curie', 'Pierre Curie']);
    }
    // One person per name, joined across the four photos, named by the user's hand (decisions).
    const people = library.people.list().filter((person) => person.name?.endsWith('Curie'));
    expect(people.map((person) => [person.name, person.faces])).toEqual([
      ['Marie Curie', 4],
      ['Pierre Curie', 4],
    ]);
    const marie = faces.find((face) => face.personName === 'Marie Curie')!;
    expect(library.deps.faces.get(marie.id)?.decided).toBe(true);
    // Nothing else in misc/ carries regions: no warning appears on any photo.
    expect((await library.listPhotos()).filter((photo) => photo.error)).toEqual([]);
  });

  it('reads Microsoft Photo regions from photo.xmp and MWG regions from photo.jpg.xmp, the sidecar over the embedded XMP', async () => {
    const [exif6, exif8, upright] = lib.addPhotos([
      'misc/curie_exif6.jpg',
      'misc/curie_exif8.jpg',
      'misc/curie_upright.jpg',
    ]);
    stripXmp(exif6);
    stripXmp(exif8);
    // Orientation 6 (stored turned a quarter): stored top-left rectangles, as MP writes them.
    // Upright Marie is at centre (0.37, 0.31), 0.11×0.20: stored centre (0.31, 0.63), 0.20×0.11.
    fs.writeFileSync(
      path.join(lib.photosDir, 'curie_exif6.xmp'),
      xmpDocument(`<MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag>
        <rdf:li rdf:parseType="Resource"><MPReg:PersonDisplayName>Marie Sk&#322;odowska</MPReg:PersonDisplayName><MPReg:Rectangle>0.21, 0.575, 0.20, 0.11</MPReg:Rectangle></rdf:li>
        <rdf:li rdf:parseType="Resource"><MPReg:PersonDisplayName>Pierre &amp; co</MPReg:PersonDisplayName><MPReg:Rectangle>0.12, 0.26, 0.24, 0.10</MPReg:Rectangle></rdf:li>
      </rdf:Bag></MPRI:Regions></MP:RegionInfo>`),
    );
    // Orientation 8, MWG with attributes for the area; a non-face region is ignored.
    fs.writeFileSync(
      `${exif8}.xmp`,
      xmpDocument(
        mwg([
          { name: 'Marie Sk&#322;odowska', x: 0.69, y: 0.37, w: 0.2, h: 0.11 },
          { name: 'Pierre &amp; co', x: 0.76, y: 0.69, w: 0.24, h: 0.1 },
          { name: 'The dog', x: 0.5, y: 0.5, w: 0.2, h: 0.2, type: 'Pet' },
        ]),
      ),
    );
    // Upright with its embedded regions (Marie Curie, Pierre Curie): the sidecar wins.
    fs.writeFileSync(
      `${upright}.xmp`,
      xmpDocument(mwg([{ name: 'Marie Sk&#322;odowska', x: 0.37, y: 0.31, w: 0.11, h: 0.2 }])),
    );
    const library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], scanOptions);
    const faces = await library.listFaces();
    expect(namesLeftToRight(faces, 'curie_exif6.jpg')).toEqual(['Marie Skłodowska', 'Pierre & co']);
    expect(namesLeftToRight(faces, 'curie_exif8.jpg')).toEqual(['Marie Skłodowska', 'Pierre & co']);
    const uprightNames = namesLeftToRight(faces, 'curie_upright.jpg');
    expect(uprightNames[0]).toBe('Marie Skłodowska');
    expect(uprightNames[1]).not.toBe('Pierre Curie');
    expect(library.people.list().map((person) => person.name)).not.toContain('The dog');
  });

  it('ignores a huge, an entity-expanding or a broken XMP block with a warning; the photo is indexed with its faces', async () => {
    const [huge, laughs, broken] = lib.addPhotos(['misc/happy.jpg']).flatMap((happy) =>
      ['huge', 'laughs', 'broken'].map((name) => {
        const copy = path.join(lib.photosDir, `${name}.jpg`);
        fs.copyFileSync(happy, copy);
        return copy;
      }),
    );
    fs.rmSync(path.join(lib.photosDir, 'happy.jpg'));
    const region = mwg([{ name: 'Happy', x: 0.5, y: 0.5, w: 0.5, h: 0.5 }]);
    fs.writeFileSync(
      `${huge}.xmp`,
      xmpDocument(`<dc:description>${'x'.repeat(3 * 1024 * 1024)}</dc:description>${region}`),
    );
    // Billion laughs, embedded in the JPEG itself.
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
    ).join('')}]>${xmpDocument(`<dc:title>&lol9;</dc:title>${region}`).replace(/^<\?xpacket[^>]*>/, '')}`;
    fs.writeFileSync(laughs, embedXmpInJpeg(fs.readFileSync(laughs), bomb));
    fs.writeFileSync(broken.replace(/\.jpg$/, '.xmp'), xmpDocument(region).replace('</rdf:RDF>', ''));

    const library = lib.open({ clock: fixedClock() });
    const report = await library.scan([lib.photosDir], scanOptions);
    expect(report).toMatchObject({ indexed: 3, failed: 0 });
    const photos = await library.listPhotos();
    expect(photos.map((photo) => [path.basename(photo.path), photo.status, photo.faces])).toEqual([
      ['broken.jpg', 'indexed', 1],
      ['huge.jpg', 'indexed', 1],
      ['laughs.jpg', 'indexed', 1],
    ]);
    const warning = (name: string) => photos.find((photo) => path.basename(photo.path) === name)!.error;
    expect(warning('huge.jpg')).toMatch(/sidecar huge\.jpg\.xmp were ignored: .*over Kindred's limit/);
    expect(warning('laughs.jpg')).toMatch(/embedded XMP were ignored: it declares a DOCTYPE or entities/);
    expect(warning('broken.jpg')).toMatch(/sidecar broken\.xmp were ignored: it is not well-formed XML/);
    expect(library.people.list().map((person) => person.name)).not.toContain('Happy');
  });

  it('a region with no detected face becomes a drawn face with that name', async () => {
    const [landscape] = lib.addPhotos(['misc/landscape_waterfall.jpg']);
    fs.writeFileSync(
      `${landscape}.xmp`,
      xmpDocument(mwg([{ name: 'Hidden Hiker', x: 0.3, y: 0.4, w: 0.1, h: 0.15 }])),
    );
    const library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], scanOptions);
    const faces = await library.listFaces({ withEmbeddings: true });
    expect(faces).toHaveLength(1);
    expect(faces[0].personName).toBe('Hidden Hiker');
    expect(faces[0].embedding).toHaveLength(128);
    expect(library.deps.faces.get(faces[0].id)).toMatchObject({ source: 'manual', decided: true });
    const photo = (await library.listPhotos())[0];
    // The box is the region's, in upright pixels.
    expect(faces[0].box.x / photo.width!).toBeCloseTo(0.25, 2);
    expect(faces[0].box.width / photo.width!).toBeCloseTo(0.1, 2);
    expect(faces[0].box.y / photo.height!).toBeCloseTo(0.325, 2);
  });

  it('never overrides what the user decided in Kindred, and a face rejected from a person is not named after them', async () => {
    const [photo] = lib.addPhotos(['misc/curie_upright.jpg']);
    stripXmp(photo);
    const library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], scanOptions);
    const [left, right] = (await library.listFaces()).sort((a, b) => a.box.x - b.box.x);
    library.people.move([String(left.id)], 'Madame');
    library.people.move([String(right.id)], 'Pierre Curie');
    library.people.reject([String(right.id)], 'Pierre Curie');

    // Regions arrive (a sidecar) and the photo changes: it is analysed again.
    fs.writeFileSync(
      `${photo}.xmp`,
      xmpDocument(
        mwg([
          { name: 'Marie Curie', x: 0.37, y: 0.31, w: 0.11, h: 0.2 },
          { name: 'Pierre Curie', x: 0.69, y: 0.24, w: 0.1, h: 0.24 },
        ]),
      ),
    );
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(photo, later, later);
    const again = await library.scan([lib.photosDir], scanOptions);
    expect(again.indexed).toBe(1);
    const names = namesLeftToRight(await library.listFaces(), 'curie_upright.jpg');
    expect(names[0]).toBe('Madame');
    expect(names[1]).not.toBe('Pierre Curie');
    expect(library.people.list().map((person) => person.name)).not.toContain('Marie Curie');
  });
});
