/**
 * Face regions written by Kindred, read back by the real exiftool: embedded in an upright JPEG
 * copy (what `kindred export --xmp` will write) and in sidecars beside rotated originals
 * (`kindred sidecars`), merged into an existing sidecar with a backup; and a round trip of
 * upright copies of groups/ into a new library.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Box, FaceSummary, PhotoSummary } from '../../../src/common/api';
import { matchRegions } from '../../../src/main/interchange/match-regions';
import {
  embedXmpInJpeg,
  faceRegionsXmp,
  MAX_XMP_PACKET_BYTES,
} from '../../../src/main/interchange/xmp-write';
import type { SidecarReport } from '../../../src/main/services/sidecars';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { kindred } from '../../support/cli';
import { tempDir } from '../../support/fixtures';
import { createTestLibrary, fixedClock, type TestLibrary } from '../../support/library';

const scanOptions = { workers: 2, pipeline: DEFAULT_PIPELINE };
/** exiftool prints what it reads with a few decimals; Kindred writes six. */
const CLOSE = 4;

interface ExifRegion {
  Name?: string;
  Type?: string;
  Area: { X: number; Y: number; W: number; H: number; Unit: string };
}
interface ExifInfo {
  RegionInfo?: { AppliedToDimensions: { W: number; H: number }; RegionList: ExifRegion[] };
  RegionInfoMP?: { Regions: { PersonDisplayName: string; Rectangle: string }[] };
  [tag: string]: unknown;
}

function exiftool(file: string): ExifInfo {
  return (
    JSON.parse(execFileSync('exiftool', ['-j', '-struct', '-n', file], { encoding: 'utf8' })) as ExifInfo[]
  )[0];
}

let lib: TestLibrary;
beforeEach(() => {
  lib = createTestLibrary();
});
afterEach(() => lib.cleanup());

const byX = (faces: FaceSummary[]) => [...faces].sort((a, b) => a.box.x - b.box.x);

describe('writing face regions', () => {
  it('embedded in an upright JPEG copy: exiftool reads RegionName, RegionType Face and areas matching Kindred’s boxes, EXIF kept', async () => {
    lib.addPhotos(['misc/curie_exif6.jpg']);
    const library = lib.open({ clock: fixedClock() });
    await library.scan([lib.photosDir], scanOptions);
    const [photo] = await library.listPhotos();
    const faces = byX(await library.listFaces());
    expect(faces.map((face) => face.personName)).toEqual(['Marie Curie', 'Pierre Curie']);
    const size = { width: photo.width!, height: photo.height! };
    const regions = faces.map((face) => ({
      name: face.personName!,
      box: {
        x: face.box.x / size.width,
        y: face.box.y / size.height,
        width: face.box.width / size.width,
        height: face.box.height / size.height,
      },
    }));

    const upright = await sharp(photo.path)
      .rotate()
      .withExif({ IFD0: { Artist: 'Kindred test' } })
      .jpeg()
      .toBuffer();
    const first = embedXmpInJpeg(upright, faceRegionsXmp([{ name: 'Someone', box: regions[0].box }], size));
    // Embedding again replaces the packet rather than adding a second one.
    const copy = path.join(lib.dir, 'upright.jpg');
    fs.writeFileSync(copy, embedXmpInJpeg(first, faceRegionsXmp(regions, size)));

    const info = exiftool(copy);
    expect(info.Artist).toBe('Kindred test');
    expect([info.ImageWidth, info.ImageHeight]).toEqual([840, 700]);
    expect(info.RegionInfo!.AppliedToDimensions).toMatchObject({ W: 840, H: 700 });
    const list = info.RegionInfo!.RegionList;
    expect(list.map((region) => [region.Name, region.Type])).toEqual([
      ['Marie Curie', 'Face'],
      ['Pierre Curie', 'Face'],
    ]);
    list.forEach((region, i) => {
      const box = faces[i].box;
      expect(region.Area.Unit).toBe('normalized');
      expect(region.Area.X).toBeCloseTo((box.x + box.width / 2) / 840, CLOSE);
      expect(region.Area.Y).toBeCloseTo((box.y + box.height / 2) / 700, CLOSE);
      expect(region.Area.W).toBeCloseTo(box.width / 840, CLOSE);
      expect(region.Area.H).toBeCloseTo(box.height / 700, CLOSE);
    });
    const mp = info.RegionInfoMP!.Regions;
    expect(mp.map((region) => region.PersonDisplayName)).toEqual(['Marie Curie', 'Pierre Curie']);
    const [x, y, w, h] = mp[0].Rectangle.split(',').map(Number);
    const box = faces[0].box;
    [x * 840 - box.x, y * 700 - box.y, w * 840 - box.width, h * 700 - box.height].forEach((difference) =>
      expect(Math.abs(difference)).toBeLessThan(0.01),
    );
    // Still a JPEG that decodes, upright.
    expect(await sharp(copy).metadata()).toMatchObject({ width: 840, height: 700, format: 'jpeg' });
  });

  it('refuses a packet that does not fit in one JPEG segment, and a file that is not a JPEG', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const many = Array.from({ length: 400 }, (_, i) => ({
      name: `Person number ${i} with a long name`,
      box: { x: 0.1, y: 0.1, width: 0.1, height: 0.1 },
    }));
    const packet = faceRegionsXmp(many, { width: 8, height: 8 });
    expect(Buffer.byteLength(packet)).toBeGreaterThan(MAX_XMP_PACKET_BYTES);
    expect(() => embedXmpInJpeg(jpeg, packet)).toThrow(/more than the 65504 bytes one JPEG segment holds/);
    const png = await sharp(jpeg).png().toBuffer();
    expect(() => embedXmpInJpeg(png, faceRegionsXmp([], { width: 8, height: 8 }))).toThrow(/not a JPEG/);
  });

  it('kindred sidecars writes photo.jpg.xmp beside a rotated original, describing its stored pixels; the photo is untouched', () => {
    const [original] = lib.addPhotos(['misc/curie_exif6.jpg']);
    const before = fs.readFileSync(original);
    const at = ['--library', lib.dir];
    expect(kindred(['scan', lib.photosDir, ...at]).status).toBe(0);
    const result = kindred(['sidecars', '--json', ...at]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const reports = JSON.parse(result.stdout) as SidecarReport[];
    expect(reports).toEqual([
      { photo: original, sidecar: `${original}.xmp`, faces: 2, backup: null, error: null },
    ]);
    expect(fs.readFileSync(original).equals(before)).toBe(true);

    const faces = byX(JSON.parse(kindred(['faces', '--json', ...at]).stdout) as FaceSummary[]);
    const info = exiftool(`${original}.xmp`);
    // Stored 700×840, turned 90° clockwise to display: stored x is upright y, stored y is 1 − upright x.
    expect(info.RegionInfo!.AppliedToDimensions).toMatchObject({ W: 700, H: 840 });
    const list = info.RegionInfo!.RegionList;
    expect(list.map((region) => [region.Name, region.Type])).toEqual([
      ['Marie Curie', 'Face'],
      ['Pierre Curie', 'Face'],
    ]);
    list.forEach((region, i) => {
      const box = faces[i].box;
      expect(region.Area.X).toBeCloseTo((box.y + box.height / 2) / 700, CLOSE);
      expect(region.Area.Y).toBeCloseTo(1 - (box.x + box.width / 2) / 840, CLOSE);
      expect(region.Area.W).toBeCloseTo(box.height / 700, CLOSE);
      expect(region.Area.H).toBeCloseTo(box.width / 840, CLOSE);
    });
  });

  it('merges into an existing sidecar: other properties and non-face regions kept, face regions replaced, backup made', () => {
    const [original] = lib.addPhotos(['misc/curie_upright.jpg']);
    const at = ['--library', lib.dir];
    expect(kindred(['scan', lib.photosDir, ...at]).status).toBe(0);
    // Written after the scan (or the scan would have read it): another program's sidecar.
    const sidecar = path.join(lib.photosDir, 'curie_upright.xmp');
    const theirs = `<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmp:Rating="4">
   <dc:subject><rdf:Bag><rdf:li>Paris</rdf:li><rdf:li>1895</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:regions="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:area="http://ns.adobe.com/xmp/sType/Area#">
   <regions:Regions rdf:parseType="Resource">
    <regions:RegionList><rdf:Bag>
     <rdf:li rdf:parseType="Resource"><regions:Name>Old Name</regions:Name><regions:Type>Face</regions:Type>
      <regions:Area area:x="0.5" area:y="0.5" area:w="0.1" area:h="0.1" area:unit="normalized"/></rdf:li>
     <rdf:li rdf:parseType="Resource"><regions:Name>Lab bench</regions:Name><regions:Type>Focus</regions:Type>
      <regions:Area area:x="0.2" area:y="0.8" area:w="0.3" area:h="0.2" area:unit="normalized"/></rdf:li>
    </rdf:Bag></regions:RegionList>
   </regions:Regions>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`;
    fs.writeFileSync(sidecar, theirs);

    const first = JSON.parse(
      kindred(['sidecars', '--json', '--person', 'Marie Curie', ...at]).stdout,
    ) as SidecarReport[];
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ photo: original, sidecar, faces: 2, error: null });
    expect(fs.readFileSync(first[0].backup!, 'utf8')).toBe(theirs);

    const check = () => {
      const info = exiftool(sidecar);
      expect(info.Rating).toBe(4);
      expect(info.Subject).toEqual(['Paris', 1895]);
      expect(info.RegionInfo!.RegionList.map((region) => [region.Name, region.Type])).toEqual([
        ['Marie Curie', 'Face'],
        ['Pierre Curie', 'Face'],
        ['Lab bench', 'Focus'],
      ]);
      expect(info.RegionInfo!.RegionList[2].Area).toMatchObject({ X: 0.2, Y: 0.8, W: 0.3, H: 0.2 });
      expect(info.RegionInfoMP!.Regions.map((region) => region.PersonDisplayName)).toEqual([
        'Marie Curie',
        'Pierre Curie',
      ]);
    };
    check();
    // Again: the same sidecar (no duplicates), and a second backup beside the first.
    const second = kindred(['sidecars', ...at]);
    expect(second.stdout).toMatch(
      /Merged 2 named faces into .*curie_upright\.xmp \(previous sidecar kept as /,
    );
    check();
    expect(fs.readdirSync(lib.photosDir).filter((name) => name.endsWith('.bak'))).toHaveLength(2);
  });

  it('a sidecar that is not XMP is left alone, with the reason', () => {
    const [original] = lib.addPhotos(['misc/curie_upright.jpg']);
    const at = ['--library', lib.dir];
    expect(kindred(['scan', lib.photosDir, ...at]).status).toBe(0);
    fs.writeFileSync(`${original}.xmp`, '<x:xmpmeta><oops></x:xmpmeta>');
    const result = kindred(['sidecars', '--json', ...at]);
    expect(result.status).toBe(1);
    const [report] = JSON.parse(result.stdout) as SidecarReport[];
    expect(report.error).toMatch(/curie_upright\.jpg\.xmp was left unchanged: it is not well-formed XML/);
    expect(fs.readFileSync(`${original}.xmp`, 'utf8')).toBe('<x:xmpmeta><oops></x:xmpmeta>');
  });

  it('round trip: upright copies of groups/ with regions from a named library give the same names on the same faces in a new library', async () => {
    lib.addPhotos([
      'groups/bbt1.jpg',
      'groups/bbt2.jpg',
      'groups/bbt3.jpg',
      'groups/bbt4.jpg',
      'groups/bbt5.jpg',
    ]);
    const first = lib.open({ clock: fixedClock() });
    await first.scan([lib.photosDir], scanOptions);
    for (const person of first.people.list()) first.people.name(String(person.id), `Person ${person.id}`);
    const photos = await first.listPhotos();
    const named = (await first.listFaces()).filter((face) => face.personName !== null);
    expect(named.length).toBeGreaterThanOrEqual(15);

    const copies = tempDir('kindred-xmp-copies-');
    try {
      for (const photo of photos) {
        const faces = named.filter((face) => face.photo === photo.path);
        const size = { width: photo.width!, height: photo.height! };
        const xmp = faceRegionsXmp(
          faces.map((face) => ({ name: face.personName!, box: normalized(face.box, size) })),
          size,
        );
        const upright = await sharp(photo.path).rotate().jpeg({ quality: 92 }).toBuffer();
        fs.writeFileSync(path.join(copies.dir, path.basename(photo.path)), embedXmpInJpeg(upright, xmp));
      }
      // A second library in its own folder.
      const other = createTestLibrary();
      try {
        const library = other.open({ clock: fixedClock() });
        await library.scan([copies.dir], scanOptions);
        const again = await library.listFaces();
        for (const photo of photos as PhotoSummary[]) {
          const before = named.filter((face) => face.photo === photo.path);
          const after = again.filter((face) => path.basename(face.photo) === path.basename(photo.path));
          const pairs = matchRegions(
            before.map((face) => face.box),
            after.map((face) => face.box),
          );
          before.forEach((face, i) => {
            expect(pairs[i], `${photo.path} face ${face.id}`).toBeDefined();
            expect(after[pairs[i]!].personName).toBe(face.personName);
          });
        }
      } finally {
        other.cleanup();
      }
    } finally {
      copies.cleanup();
    }
  });
});

function normalized(box: Box, size: { width: number; height: number }) {
  return {
    x: box.x / size.width,
    y: box.y / size.height,
    width: box.width / size.width,
    height: box.height / size.height,
  };
}
