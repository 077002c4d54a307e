/**
 * Whatever the file's pixel format (grayscale, alpha, 16 bits, CMYK, palette) or container
 * (PNG, JPEG, WebP, AVIF, TIFF), the engine converts it to 8-bit sRGB before inference and finds
 * the same faces as in the original JPEG. The variants are made at test time with sharp from
 * groups/bbt3.jpg (five faces: a miscounted face or a shifted box shows at once).
 * HEIC: this sharp build reads HEIF only with AV1 inside (AVIF); an AV1-coded .heic is read, an
 * HEVC-coded one (what phones write) and a damaged one fail with a message naming HEIF/HEIC.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Colour, type Metadata, type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseFile } from '../../../src/main/vision/analyse-file';
import { decodeScaled, readPhotoHeader, type PhotoHeader } from '../../../src/main/vision/decode';
import type { Sessions } from '../../../src/main/vision/models';
import { DEFAULT_PIPELINE, type AnalysedFace } from '../../../src/main/vision/pipeline';
import type { AnalyseResult } from '../../../src/main/vision/task';
import { fixture, tempDir } from '../../support/fixtures';
import { expectSameBoxes, loadTestSessions } from './helpers';

/**
 * These tests are about decoding, so original and copy take the same detector passes. Under the
 * default rule a gray copy can leave the plain pass unsure of a face the colour original is sure
 * of; the copy then also runs the 2× canvas pass and may keep that pass's box for the face
 * (bbt3's third face: 18 px from the plain pass's), which says nothing about the decode.
 * And they pin the float32 detector in every pass (the default runs its plain pass in int8): the
 * int8 one turns the ±1 rounding of a 16-bit PNG's conversion into box edges up to 0.504 px apart,
 * past the 0.5 px a lossless decode is held to, which again says nothing about the decode
 * (docs/detection.md measures int8).
 */
const BOTH_PASSES = { ...DEFAULT_PIPELINE, paddedPass: 'always', detectorPrecision: 'fp32' } as const;

const SOURCE = fixture('groups/bbt3.jpg');
/**
 * How close a variant must come to the original JPEG, by what the variant does to the pixels:
 * - lossless: the same 8-bit pixels (16-bit holds them exactly, alpha is opaque, LZW is lossless),
 *   so the same boxes, to rounding;
 * - lossy: a re-encode or colour round trip moves a box edge by a pixel or two (faces are ~50 px);
 * - gray: colour is gone, so the detector sees other pixels: measured up to 6 px on one
 *   79-px-tall face, still the same five faces.
 * The mean absolute difference (0..255) of the decoded RGB from the original's catches a bad
 * conversion: an inverted CMYK, 16-bit values truncated instead of scaled or a misread channel
 * would be far above these; gray against colour measured ~12.
 */
const TOLERANCE = {
  lossless: { boxPx: 0.5, meanPixel: 1 },
  lossy: { boxPx: 4, meanPixel: 20 },
  gray: { boxPx: 7, meanPixel: 20 },
} as const;

interface Variant {
  name: string;
  file: string;
  kind: keyof typeof TOLERANCE;
  make: (image: Sharp) => Sharp;
  /** What the generated file must really be, so the test does not pass on a plain 8-bit RGB file. */
  check: (metadata: Metadata) => void;
}

const VARIANTS: Variant[] = [
  {
    name: '16-bit RGB PNG',
    kind: 'lossless',
    file: 'rgb16.png',
    make: (image) => image.toColourspace('rgb16').png(),
    check: (m) => expect([m.format, m.depth, m.channels]).toEqual(['png', 'ushort', 3]),
  },
  {
    name: '16-bit gray PNG',
    kind: 'gray',
    file: 'grey16.png',
    make: (image) => image.toColourspace('grey16').png(),
    check: (m) => expect([m.format, m.depth, m.channels]).toEqual(['png', 'ushort', 1]),
  },
  {
    name: 'RGBA PNG',
    kind: 'lossless',
    file: 'rgba.png',
    make: (image) => image.ensureAlpha(1).png(),
    check: (m) => expect([m.format, m.channels, m.hasAlpha]).toEqual(['png', 4, true]),
  },
  {
    name: 'palette PNG',
    kind: 'lossy',
    file: 'palette.png',
    make: (image) => image.png({ palette: true }),
    check: (m) => expect([m.format, m.isPalette]).toEqual(['png', true]),
  },
  {
    name: 'CMYK JPEG',
    kind: 'lossy',
    file: 'cmyk.jpg',
    make: (image) => image.toColourspace('cmyk').jpeg({ quality: 90 }),
    check: (m) => expect([m.format, m.space, m.channels]).toEqual(['jpeg', 'cmyk', 4]),
  },
  {
    name: 'grayscale JPEG',
    kind: 'gray',
    file: 'gray.jpg',
    make: (image) => image.toColourspace('b-w').jpeg({ quality: 90 }),
    check: (m) => expect([m.format, m.channels]).toEqual(['jpeg', 1]),
  },
  {
    name: 'WebP',
    kind: 'lossy',
    file: 'photo.webp',
    make: (image) => image.webp({ quality: 90 }),
    check: (m) => expect(m.format).toBe('webp'),
  },
  {
    name: 'AVIF',
    kind: 'lossy',
    file: 'photo.avif',
    make: (image) => image.avif({ quality: 70 }),
    check: (m) => expect([m.format, m.compression]).toEqual(['heif', 'av1']),
  },
  {
    name: 'TIFF',
    kind: 'lossless',
    file: 'photo.tiff',
    make: (image) => image.tiff({ compression: 'lzw' }),
    check: (m) => expect(m.format).toBe('tiff'),
  },
  {
    // An AV1-coded HEIF with the .heic extension: the content, not the name, decides.
    name: 'AV1-coded .heic',
    kind: 'lossy',
    file: 'av1.heic',
    make: (image) => image.heif({ compression: 'av1', quality: 70 }),
    check: (m) => expect([m.format, m.compression]).toEqual(['heif', 'av1']),
  },
];

// ── A HEIC container built by hand: what a phone writes (an 'hvc1' image item), with a payload ──
// no decoder here will get to, since this build has no HEVC decoder.
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const ascii = (text: string) => Buffer.from(text, 'latin1');
/** An ISO-BMFF box: size, type, body. */
const box = (type: string, ...body: Buffer[]) => {
  const content = Buffer.concat(body);
  return Buffer.concat([u32(content.length + 8), ascii(type), content]);
};
/** A "full box": version and flags (0) before the body. */
const fullBox = (type: string, version: number, ...body: Buffer[]) =>
  box(type, Buffer.from([version, 0, 0, 0]), ...body);

function hevcHeic(width: number, height: number, payload: Buffer): Buffer {
  const ftyp = box('ftyp', ascii('heic'), u32(0), ascii('mif1heic'));
  // HEVCDecoderConfigurationRecord with no parameter sets: Main profile, 4:2:0, 8 bits.
  const hvcC = box(
    'hvcC',
    Buffer.from([
      1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 90, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0,
    ]),
  );
  const meta = (dataOffset: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), ascii('pict'), u32(0), u32(0), u32(0), Buffer.from([0])),
      fullBox('pitm', 0, u16(1)),
      // One item, one extent: 4-byte offsets and lengths.
      fullBox(
        'iloc',
        0,
        Buffer.from([0x44, 0]),
        u16(1),
        u16(1),
        u16(0),
        u16(1),
        u32(dataOffset),
        u32(payload.length),
      ),
      fullBox('iinf', 0, u16(1), fullBox('infe', 2, u16(1), u16(0), ascii('hvc1\0'))),
      box(
        'iprp',
        box('ipco', hvcC, fullBox('ispe', 0, u32(width), u32(height))),
        // Item 1 has property 1 (hvcC, essential) and property 2 (ispe).
        fullBox('ipma', 0, u32(1), u16(1), Buffer.from([2, 0x81, 0x02])),
      ),
    );
  const dataOffset = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(dataOffset), box('mdat', payload)]);
}

function facesOf(result: AnalyseResult): AnalysedFace[] {
  if (!result.ok) throw new Error(`expected the photo to be read, got: ${result.error}`);
  return result.faces;
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

let sessions: Sessions;
let temp: { dir: string; cleanup: () => void };
let original: { result: AnalyseResult; header: PhotoHeader; pixels: Uint8Array };

beforeAll(async () => {
  sessions = await loadTestSessions();
  temp = tempDir('kindred-formats-');
  const bytes = fs.readFileSync(SOURCE);
  const header = await readPhotoHeader(bytes);
  original = {
    result: await analyseFile({ path: SOURCE, options: BOTH_PASSES }, sessions),
    header,
    pixels: (await decodeScaled(bytes, header, 1)).data,
  };
});
afterAll(() => temp?.cleanup());

describe('pixel formats and containers', () => {
  it('the original JPEG gives the five faces of bbt3', () => {
    expect(facesOf(original.result)).toHaveLength(5);
  });

  it.each(VARIANTS.map((variant) => [variant.name, variant] as const))(
    '%s: decoded to 8-bit sRGB, same faces as the original',
    async (_name, variant) => {
      const file = path.join(temp.dir, variant.file);
      await variant.make(sharp(SOURCE)).toFile(file);
      const bytes = fs.readFileSync(file);
      variant.check(await sharp(bytes).metadata());

      // What inference gets: 3 channels of 8 bits at the upright size, looking like the original.
      const header = await readPhotoHeader(bytes);
      expect([header.width, header.height]).toEqual([original.header.width, original.header.height]);
      const decoded = await decodeScaled(bytes, header, 1);
      expect(decoded.data).toBeInstanceOf(Uint8Array);
      expect(decoded.data.length).toBe(original.header.width * original.header.height * 3);
      expect(meanDifference(decoded.data, original.pixels)).toBeLessThan(TOLERANCE[variant.kind].meanPixel);

      const result = await analyseFile({ path: file, options: BOTH_PASSES }, sessions);
      expectSameBoxes(facesOf(result), facesOf(original.result), TOLERANCE[variant.kind].boxPx);
    },
  );

  it('a grayscale file becomes gray RGB (R = G = B), not a tinted image', async () => {
    const bytes = await sharp(SOURCE).toColourspace('b-w').png().toBuffer();
    const { data } = await decodeScaled(bytes, await readPhotoHeader(bytes), 0.25);
    for (let i = 0; i < data.length; i += 3) {
      expect(data[i + 1]).toBe(data[i]);
      expect(data[i + 2]).toBe(data[i]);
    }
  });

  it('a transparent area is flattened onto white, exactly like the same photo on an opaque white frame', async () => {
    // A transparent frame around the photo, against the same frame painted white: after
    // flattening they are the same pixels, so the same faces, to rounding.
    const frame = (background: Colour) =>
      sharp(SOURCE)
        .ensureAlpha(1)
        .extend({ top: 40, bottom: 40, left: 40, right: 40, background })
        .png()
        .toBuffer();
    const transparent = await frame({ r: 0, g: 0, b: 0, alpha: 0 });
    const white = await frame({ r: 255, g: 255, b: 255, alpha: 1 });
    expect((await sharp(transparent).stats()).channels[3].min).toBe(0);
    const header = await readPhotoHeader(transparent);
    const decoded = await decodeScaled(transparent, header, 1);
    expect(Array.from(decoded.data.subarray(0, 3))).toEqual([255, 255, 255]);
    expect(meanDifference(decoded.data, (await decodeScaled(white, header, 1)).data)).toBe(0);

    const analyse = async (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(temp.dir, name), bytes);
      return facesOf(
        await analyseFile({ path: path.join(temp.dir, name), options: DEFAULT_PIPELINE }, sessions),
      );
    };
    const onWhite = await analyse('white-frame.png', white);
    expect(onWhite).toHaveLength(5);
    expectSameBoxes(await analyse('transparent-frame.png', transparent), onWhite, TOLERANCE.lossless.boxPx);
  });
});

describe('HEIF / HEIC', () => {
  it('this sharp build reads HEIF containers (AV1-coded) from buffers', () => {
    const heif = sharp.format.heif;
    console.log(
      `sharp ${sharp.versions.sharp}, libheif ${sharp.versions.heif ?? 'none'}:`,
      JSON.stringify(heif.input),
    );
    expect(heif.input.buffer).toBe(true);
  });

  it('an HEVC-coded HEIC (as phones write) fails with a clear message naming HEIF/HEIC, on one line', async () => {
    const file = path.join(temp.dir, 'IMG_0001.HEIC');
    fs.writeFileSync(file, hevcHeic(640, 480, Buffer.alloc(512, 0x55)));
    // The header is readable: the refusal comes from the missing codec, not from a broken file.
    const header = await sharp(file).metadata();
    expect([header.format, header.compression, header.width]).toEqual(['heif', 'hevc', 640]);

    const result = await analyseFile({ path: file, options: DEFAULT_PIPELINE }, sessions);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    console.log('HEVC HEIC:', result.error);
    expect(result.error).toMatch(/HEIF\/HEIC/);
    expect(result.error).toMatch(/codec/i);
    expect(result.error).toMatch(/HEVC/);
    // libvips' retry chatter ("source: bad seek to …") is noise in a message shown to the user.
    expect(result.error).not.toMatch(/\n|bad seek/);
    expect(result.file?.size).toBe(fs.statSync(file).size);
  });

  it('a damaged file claiming to be HEIC fails with a message naming HEIF', async () => {
    const file = path.join(temp.dir, 'broken.heic');
    fs.writeFileSync(
      file,
      Buffer.concat([box('ftyp', ascii('heic'), u32(0), ascii('mif1heic')), Buffer.alloc(200, 7)]),
    );
    const result = await analyseFile({ path: file, options: DEFAULT_PIPELINE }, sessions);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    console.log('damaged HEIC:', result.error);
    expect(result.error).toMatch(/heif|heic/i);
    expect(result.error).toMatch(/cannot decode|damaged|corrupt/i);
    expect(result.error).not.toMatch(/\n|bad seek/);
  });
});
