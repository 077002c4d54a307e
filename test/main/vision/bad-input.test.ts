/**
 * Bad files through analyseFile, the worker's entry point: nothing may throw, crash the process
 * or take its memory; each failure is { ok: false } with a message naming the cause, which is
 * stored on the photo. A JPEG whose EXIF or XMP block is damaged but whose pixels are fine is
 * still indexed; unreadable EXIF is reported as a warning (the date taken is then unknown).
 */
import { execFileSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyseFile } from '../../../src/main/vision/analyse-file';
import { MAX_PIXELS, withCause } from '../../../src/main/vision/decode';
import type { Sessions } from '../../../src/main/vision/models';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import type { AnalyseResult } from '../../../src/main/vision/task';
import { fixture, tempDir } from '../../support/fixtures';
import { loadTestSessions, readFixture } from './helpers';

let sessions: Sessions;
let temp: { dir: string; cleanup: () => void };
beforeAll(async () => {
  sessions = await loadTestSessions();
  temp = tempDir('kindred-bad-input-');
});
afterAll(() => temp?.cleanup());
afterEach(() => vi.restoreAllMocks());

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(temp.dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** analyseFile must resolve (never reject) for any input. */
async function analyse(file: string): Promise<AnalyseResult> {
  const pending = analyseFile({ path: file, options: DEFAULT_PIPELINE }, sessions);
  await expect(pending).resolves.toBeDefined();
  return pending;
}

async function expectFailure(file: string, cause: RegExp): Promise<Extract<AnalyseResult, { ok: false }>> {
  const result = await analyse(file);
  if (result.ok)
    throw new Error(
      `expected ${path.basename(file)} to be refused, it was read with ${result.faces.length} faces`,
    );
  expect(result.error).toMatch(cause);
  // One line: the message is stored on the photo and shown as is.
  expect(result.error).not.toMatch(/\n/);
  return result;
}

async function expectIndexed(file: string): Promise<Extract<AnalyseResult, { ok: true }>> {
  const result = await analyse(file);
  if (!result.ok) throw new Error(`expected ${path.basename(file)} to be indexed, got: ${result.error}`);
  return result;
}

// ── Decompression bombs: tiny files whose headers claim gigapixels ──

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header claiming width×height 1-bit gray pixels, with a little deflated data. */
function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // gray
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real JPEG whose frame header (SOFn) is patched to claim side×side pixels. */
function jpegBomb(jpeg: Buffer, side: number): Buffer {
  const bytes = Buffer.from(jpeg);
  for (let p = 2; p + 4 < bytes.length && bytes[p] === 0xff; p += 2 + bytes.readUInt16BE(p + 2)) {
    const marker = bytes[p + 1];
    if (marker >= 0xc0 && marker <= 0xc3) {
      bytes.writeUInt16BE(side, p + 5); // height
      bytes.writeUInt16BE(side, p + 7); // width
      return bytes;
    }
  }
  throw new Error('no SOF marker found');
}

// ── Damaged metadata segments of a JPEG ──

/** Where the payload of the first APP1 segment starting with `signature` lies. */
function app1Payload(jpeg: Buffer, signature: string): { start: number; end: number } {
  for (
    let p = 2;
    p + 4 < jpeg.length && jpeg[p] === 0xff && jpeg[p + 1] !== 0xda;
    p += 2 + jpeg.readUInt16BE(p + 2)
  ) {
    const start = p + 4;
    const end = p + 2 + jpeg.readUInt16BE(p + 2);
    if (jpeg[p + 1] === 0xe1 && jpeg.toString('latin1', start, start + signature.length) === signature) {
      return { start, end };
    }
  }
  throw new Error(`no APP1 segment starting with ${JSON.stringify(signature)}`);
}

/** Deterministic noise, so a failure can be replayed. */
function garbage(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 2654435761) >>> 24));
}

const EXIF_SIGNATURE = 'Exif\0\0';
const XMP_SIGNATURE = 'http://ns.adobe.com/xap/1.0/\0';

/** curie_upright.jpg (two faces) with a camera and a date in its EXIF. */
function jpegWithExif(): Promise<Buffer> {
  return sharp(fixture('misc/curie_upright.jpg'))
    .withExif({ IFD0: { Make: 'Canon', Model: 'Canon EOS 5D', DateTime: '2004:05:06 07:08:09' } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

describe('files that are not readable photos → { ok: false } naming the cause', () => {
  it('an empty file', async () => {
    const result = await expectFailure(write('empty.jpg', Buffer.alloc(0)), /empty/);
    expect(result.file).toMatchObject({ size: 0 });
  });

  it.each(['misc/happy.jpg', 'groups/bbt4.jpg'])('a truncated JPEG (first half of %s)', async (source) => {
    const bytes = readFixture(source);
    await expectFailure(
      write(`half-${path.basename(source)}`, bytes.subarray(0, bytes.length >> 1)),
      /truncated/,
    );
  });

  it('a JPEG cut right after its headers (no image data at all)', async () => {
    const bytes = readFixture('misc/happy.jpg');
    await expectFailure(write('headers-only.jpg', bytes.subarray(0, 300)), /truncated/);
  });

  it('random bytes named .jpg', async () => {
    await expectFailure(write('random.jpg', garbage(4096)), /not an image/);
  });

  it('a text file named .jpg', async () => {
    await expectFailure(write('notes.jpg', 'Shopping list: milk, eggs, bread.\n'.repeat(30)), /not an image/);
  });

  it('a folder named like a photo', async () => {
    const folder = path.join(temp.dir, 'album.jpg');
    fs.mkdirSync(folder);
    await expectFailure(folder, /not a regular file|folder/);
  });

  it('a FIFO named like a photo (swapped in after the walk): refused without blocking on open', async () => {
    const fifo = path.join(temp.dir, 'swapped.jpg');
    execFileSync('mkfifo', [fifo]);
    // Before opening without blocking, this open waited for a writer forever (the test timed out).
    await expectFailure(fifo, /not a regular file/);
  });

  it('a file that does not exist (deleted between scan and analysis)', async () => {
    const result = await expectFailure(path.join(temp.dir, 'gone.jpg'), /disappeared|not found|no such/i);
    expect(result.file).toBeNull();
  });

  it('a file Kindred may not read (EACCES, simulated: as root chmod 000 does not stop reads)', async () => {
    const file = write('locked.jpg', readFixture('misc/happy.jpg'));
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
    vi.spyOn(fsp, 'open').mockRejectedValueOnce(denied);
    await expectFailure(file, /permission denied/);
  });

  it.skipIf(process.getuid?.() === 0)('a file with mode 000 (real permissions, not as root)', async () => {
    const file = write('mode000.jpg', readFixture('misc/happy.jpg'));
    fs.chmodSync(file, 0o000);
    await expectFailure(file, /permission denied/);
  });
});

describe('decompression bombs are refused from the header, without decoding', () => {
  const bombs = [
    ['a PNG claiming 100000×100000 pixels', 'bomb.png', () => pngBomb(100_000, 100_000)],
    ['a PNG just over the limit (16000×16000)', 'bomb-16k.png', () => pngBomb(16_000, 16_000)],
    [
      'a JPEG whose frame header claims 65000×65000',
      'bomb.jpg',
      () => jpegBomb(readFixture('misc/happy.jpg'), 65_000),
    ],
  ] as const;

  it.each(bombs)('%s', async (_name, fileName, make) => {
    const bytes = make();
    expect(bytes.length).toBeLessThan(100_000);
    const file = write(fileName, bytes);
    const claimed = await sharp(bytes, { limitInputPixels: false }).metadata();
    expect(claimed.width * claimed.height).toBeGreaterThan(MAX_PIXELS);

    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await expectFailure(file, /megapixels|MP\b/);
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().rss - rssBefore;
    console.log(
      `${fileName}: refused in ${elapsed.toFixed(1)} ms, RSS grew ${(grown / 2 ** 20).toFixed(1)} MiB`,
    );
    // A decode of 256 MP or more would take seconds and hundreds of MiB (1 GiB+ for the 100000² PNG).
    expect(elapsed).toBeLessThan(3000);
    expect(grown).toBeLessThan(128 * 2 ** 20);
  });
});

describe('damaged metadata, intact pixels → indexed', () => {
  it('a valid EXIF block is read (camera and date): the baseline for the damaged ones', async () => {
    const result = await expectIndexed(write('exif-ok.jpg', await jpegWithExif()));
    expect(result.camera).toBe('Canon EOS 5D');
    expect(result.takenAt).toBe('2004-05-06T07:08:09');
    expect(result.warning).toBeNull();
    expect(result.faces).toHaveLength(2);
  });

  const exifDamage = [
    ['byte-order mark overwritten', (exif: Buffer) => exif.write('XX', 0, 'latin1')],
    ['IFD0 offset pointing past the end of the block', (exif: Buffer) => exif.writeUInt32BE(0x7fff_ff00, 4)],
    ['IFD0 entries overwritten with noise', (exif: Buffer) => garbage(exif.length - 8).copy(exif, 8)],
  ] as const;

  it.each(exifDamage)(
    'corrupt EXIF (%s): indexed, with a warning that EXIF is unreadable',
    async (_name, damage) => {
      const bytes = await jpegWithExif();
      const { start, end } = app1Payload(bytes, EXIF_SIGNATURE);
      // The TIFF structure after the "Exif\0\0" signature: byte order, 42, offset of IFD0, …
      damage(bytes.subarray(start + EXIF_SIGNATURE.length, end));
      const result = await expectIndexed(write('exif-damaged.jpg', bytes));
      expect(result.warning).toMatch(/EXIF/);
      expect(result.warning).toMatch(/unreadable/);
      expect(result.camera).toBeNull();
      expect(result.takenAt).toBeNull();
      expect([result.width, result.height]).toEqual([840, 700]);
      expect(result.faces).toHaveLength(2);
    },
  );

  it('corrupt XMP (its packet replaced by noise): indexed normally, with a warning that its regions were ignored', async () => {
    // curie_upright.jpg carries MWG face regions in XMP: damaged, they are reported and skipped
    // (docs/xmp.md); the photo and its faces are indexed as if it had none.
    const bytes = Buffer.from(readFixture('misc/curie_upright.jpg'));
    const { start, end } = app1Payload(bytes, XMP_SIGNATURE);
    garbage(end - start - XMP_SIGNATURE.length).copy(bytes, start + XMP_SIGNATURE.length);
    const xmp = (await sharp(bytes).metadata()).xmp;
    expect(xmp?.toString('latin1')).not.toContain('<x:xmpmeta');
    const result = await expectIndexed(write('xmp-damaged.jpg', bytes));
    expect(result.warning).toMatch(
      /^face regions in the embedded XMP were ignored: it is not well-formed XML/,
    );
    expect(result.regions).toEqual([]);
    expect([result.width, result.height]).toEqual([840, 700]);
    expect(result.faces).toHaveLength(2);
  });
});

describe('after all of that', () => {
  it('the same process still analyses a good photo', async () => {
    const result = await expectIndexed(fixture('groups/bbt3.jpg'));
    expect(result.faces).toHaveLength(5);
  });
});

describe("a libvips failure whose cause another thread's failure cleared", () => {
  /** A decode that fails with `messages` in turn, then succeeds. */
  const failing = (...messages: string[]) => {
    let call = 0;
    return () => {
      const message = messages[call++];
      return message === undefined ? Promise.resolve('decoded') : Promise.reject(new Error(message));
    };
  };

  it.each([
    [''],
    ['Unknown error'],
    ['Input buffer has corrupt header: '],
    ['Input file has corrupt header:'],
  ])('is tried again when its message is %j, until the cause shows', async (causeless) => {
    await expect(withCause(failing(causeless, 'VipsJpeg: Premature end of input file'))).rejects.toThrow(
      'Premature end',
    );
    await expect(withCause(failing(causeless, causeless))).resolves.toBe('decoded');
  });

  it('is reported as it comes after two more tries, and a failure with a cause at once', async () => {
    const causeless = 'Input buffer has corrupt header: ';
    await expect(withCause(failing(causeless, causeless, causeless))).rejects.toThrow(causeless.trim());
    await expect(withCause(failing('VipsJpeg: bad Huffman table', 'never read'))).rejects.toThrow('Huffman');
  });
});
