/** The XMP region reader and the orientation mapping, on their own (no models, no SQLite). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRegions } from '../../../src/main/interchange/match-regions';
import { storedToUpright, uprightToStored } from '../../../src/main/interchange/orientation';
import { readFaceRegions } from '../../../src/main/interchange/xmp-regions';
import { faceRegionsXmp } from '../../../src/main/interchange/xmp-write';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

describe('orientation', () => {
  it('turns a stored box upright and back, for every EXIF orientation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (orientation, x, y, width, height) => {
          const box = { x, y, width, height };
          const back = storedToUpright(uprightToStored(box, orientation), orientation);
          for (const key of ['x', 'y', 'width', 'height'] as const)
            expect(back[key]).toBeCloseTo(box[key], 9);
        },
      ),
    );
  });

  it('maps the top-left corner of the stored pixels where each orientation shows it', () => {
    const corner = { x: 0, y: 0, width: 0.1, height: 0.2 };
    const at = (orientation: number) => {
      const box = storedToUpright(corner, orientation);
      return [box.x, box.y, box.width, box.height].map((v) => Number(v.toFixed(6)));
    };
    expect(at(1)).toEqual([0, 0, 0.1, 0.2]);
    expect(at(3)).toEqual([0.9, 0.8, 0.1, 0.2]);
    // 6: turned 90° clockwise to display, the stored top-left lands top-right, sides swapped.
    expect(at(6)).toEqual([0.8, 0, 0.2, 0.1]);
    expect(at(8)).toEqual([0, 0.9, 0.2, 0.1]);
  });
});

describe('reading regions', () => {
  it('reads MWG regions written with any prefix and as attributes, skipping non-faces and unnamed ones', () => {
    const packet = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><r:RDF xmlns:r="${RDF}">
      <r:Description r:about="" xmlns:m="http://www.metadataworkinggroup.com/schemas/regions/"
        xmlns:a="http://ns.adobe.com/xmp/sType/Area#">
        <m:Regions><r:Description><m:RegionList><r:Bag>
          <r:li><r:Description m:Name="  Ada   Lovelace " m:Type="Face"><m:Area a:x="0.5" a:y="0.5" a:w="0.2" a:h="0.4" a:unit="normalized"/></r:Description></r:li>
          <r:li m:Name="Rex" m:Type="Pet"><m:Area a:x="0.5" a:y="0.5" a:w="0.2" a:h="0.2" a:unit="normalized"/></r:li>
          <r:li r:parseType="Resource"><m:Type>Face</m:Type><m:Area a:x="0.1" a:y="0.1" a:w="0.1" a:h="0.1" a:unit="normalized"/></r:li>
          <r:li r:parseType="Resource"><m:Name>12345</m:Name><m:Area a:x="0.1" a:y="0.1" a:w="0.1" a:h="0.1" a:unit="normalized"/></r:li>
        </r:Bag></m:RegionList></r:Description></m:Regions>
      </r:Description></r:RDF></x:xmpmeta>`;
    const reading = readFaceRegions(packet, 1, 'test');
    expect(reading.regions.map((region) => region.name)).toEqual(['Ada Lovelace']);
    const { box } = reading.regions[0];
    expect([box.x, box.y, box.width, box.height].map((v) => Number(v.toFixed(9)))).toEqual([
      0.4, 0.3, 0.2, 0.4,
    ]);
    expect(reading.warning).toMatch(/"12345" is a number, not a name/);
  });

  it('reads what faceRegionsXmp writes, upright, for a rotated photo too', () => {
    const regions = [{ name: 'A & <B>', box: { x: 0.1, y: 0.2, width: 0.3, height: 0.25 } }];
    for (const orientation of [1, 3, 6, 8]) {
      const packet = faceRegionsXmp(regions, { width: 800, height: 600 }, orientation);
      const { regions: read, warning } = readFaceRegions(packet, orientation, 'test');
      expect(warning).toBeNull();
      expect(read[0].name).toBe('A & <B>');
      for (const key of ['x', 'y', 'width', 'height'] as const) {
        expect(read[0].box[key]).toBeCloseTo(regions[0].box[key], 5);
      }
    }
  });

  it('never throws on hostile or broken input: no regions and a warning', () => {
    const cases: [string | Buffer, RegExp][] = [
      [
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
        /DOCTYPE or entities/,
      ],
      ['<a><b></a>', /not well-formed/],
      ['', /not well-formed|no regions/],
      [Buffer.alloc(3 * 1024 * 1024, 0x20), /over Kindred's limit/],
      [Buffer.from([0xff, 0xfe, 0x00, 0x3c]), /not well-formed/],
      ['<a>'.repeat(200_000), /over Kindred's limit of 10000/],
      [
        `<a ${Array.from({ length: 12_000 }, (_, i) => `x${i}="1"`).join(' ')}/>`,
        /over Kindred's limit of 10000/,
      ],
    ];
    for (const [packet, why] of cases) {
      const reading = readFaceRegions(packet, 1, 'test');
      expect(reading.regions).toEqual([]);
      if (packet.length > 0) expect(reading.warning).toMatch(why);
    }
  });
});

describe('matching regions to faces', () => {
  it('pairs one to one, the best overlap first', () => {
    const faces = [
      { x: 0, y: 0, width: 100, height: 100 },
      { x: 90, y: 0, width: 100, height: 100 },
    ];
    const regions = [
      { x: 80, y: 0, width: 100, height: 100 }, // overlaps both, the second more
      { x: 5, y: 5, width: 90, height: 90 },
      { x: 500, y: 500, width: 50, height: 50 },
    ];
    expect(matchRegions(regions, faces)).toEqual([1, 0, undefined]);
  });
});
