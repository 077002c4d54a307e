/**
 * The hostile folder of issue 7 §3, generated (never committed): good photos under awkward names,
 * broken and lying files, and things that are not files at all. Each entry says what a scan must
 * make of it, so the test and docs/hostile-files.md describe the same corpus.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fixture } from './fixtures';

export type Expectation =
  /** Indexed, with exactly this many faces. */
  | { kind: 'indexed'; faces: number; warning?: RegExp }
  /** An `error` row whose reason matches. */
  | { kind: 'error'; reason: RegExp }
  /** Not a photo file: no row at all. */
  | { kind: 'skipped' };

export interface HostileEntry {
  /** Path relative to the corpus root (may hold a newline, emoji, 250+ bytes). */
  name: string;
  what: string;
  expect: Expectation;
}

/** A file name of more than 250 bytes (ext4 allows 255): multi-byte characters, then the extension. */
export const LONG_NAME = `${'Ünïcødé-相片-'.repeat(13)}x.jpg`;

/** Deterministic noise, so a failure can be replayed. */
function noise(length: number, seed = 1): Buffer {
  let state = seed >>> 0 || 1;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring width×height 1-bit gray pixels, followed by a little deflated data. */
export function pngDeclaring(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1;
  header[9] = 0;
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG segment: marker, big-endian length (which counts itself), payload. */
function segment(marker: number, payload: Buffer, declaredLength = payload.length + 2): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(declaredLength & 0xffff, 2);
  return Buffer.concat([head, payload]);
}

/** `jpeg` with `inserted` placed right after its SOI marker. */
function afterSoi(jpeg: Buffer, inserted: Buffer): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), inserted, jpeg.subarray(2)]);
}

/** A minimal little-endian TIFF block with one IFD0 entry (Make = "Kindred"). */
function exifPayload(): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4 + 8);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x010f, 10); // Make
  tiff.writeUInt16LE(2, 12); // ASCII
  tiff.writeUInt32LE(8, 14);
  tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22);
  tiff.write('Kindred\0', 26, 'latin1');
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/**
 * An XMP packet whose DOCTYPE defines "billion laughs" entities (10 levels of 10×): expanded,
 * `&lol9;` is 10⁹ copies of "lol". A reader that expands entities takes the machine's memory.
 */
export function entityBombXmp(): Buffer {
  const entities = ['<!ENTITY lol "lol">'];
  for (let level = 1; level <= 9; level++) {
    entities.push(`<!ENTITY lol${level} "${`&lol${level === 1 ? '' : level - 1};`.repeat(10)}">`);
  }
  const packet =
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<!DOCTYPE x:xmpmeta [\n${entities.join('\n')}\n]>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
    `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">&lol9;</rdf:li></rdf:Alt></dc:description>` +
    `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">&lol9;&lol9;&lol9;</rdf:li></rdf:Alt></dc:title>` +
    `</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>`;
  return Buffer.concat([
    Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'),
    Buffer.from(packet, 'utf8'),
  ]);
}

const read = (relative: string) => fs.readFileSync(fixture(relative));

/**
 * Writes the corpus into `root` (which must exist and be empty) and returns what each entry must
 * become. `unreadable` is made mode 000; the caller decides whether the scan runs as a user that
 * permission stops (root reads it anyway).
 */
export function writeHostileCorpus(root: string): HostileEntry[] {
  const entries: HostileEntry[] = [];
  const file = (name: string, bytes: Buffer | string, what: string, expect: Expectation) => {
    const target = path.join(root, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
    entries.push({ name, what, expect });
  };
  const skipped = (name: string, what: string, make: (target: string) => void) => {
    const target = path.join(root, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    make(target);
    entries.push({ name, what, expect: { kind: 'skipped' } });
  };
  const truncated = /truncated or damaged/;
  const notImage = /not an image Kindred can read/;

  // ── Good photos, some under hostile names: indexed with their faces ──
  file('good/bbt3.jpg', read('groups/bbt3.jpg'), 'a good group photo', { kind: 'indexed', faces: 5 });
  file('good/amy1.png', read('people/amy/amy1.png'), 'a good PNG portrait', { kind: 'indexed', faces: 1 });
  file('names/new\nline.jpg', read('misc/happy.jpg'), 'a newline in the name', { kind: 'indexed', faces: 1 });
  file('names/\x1b[31mred\x1b[0m\t.jpg', read('misc/sad.jpg'), 'terminal escapes and a tab in the name', {
    kind: 'indexed',
    faces: 1,
  });
  file('names/👨‍👩‍👧 family 🎉.jpg', read('groups/bbt5.jpg'), 'emoji in the name', { kind: 'indexed', faces: 5 });
  file(`names/${LONG_NAME}`, read('misc/angry.jpg'), `a ${Buffer.byteLength(LONG_NAME)}-byte name`, {
    kind: 'indexed',
    faces: 1,
  });
  file(
    'xmp-entity-expansion.jpg',
    afterSoi(read('misc/curie_upright.jpg'), segment(0xe1, entityBombXmp())),
    'XMP whose DOCTYPE expands to gigabytes ("billion laughs")',
    // Indexed with its faces; its face regions are ignored, with that said on the photo.
    { kind: 'indexed', faces: 2, warning: /XMP were ignored: it declares a DOCTYPE or entities/ },
  );

  // Text and colour-profile chunks that inflate to 100 MiB each: libpng caps what it inflates,
  // so the photo is indexed and the memory stays bounded.
  const inflating = zlib.deflateSync(Buffer.alloc(100 * 2 ** 20));
  const portraitPng = read('people/amy/amy1.png');
  for (const [type, prefix] of [
    ['zTXt', 'Comment\0\0'],
    ['iCCP', 'icc\0\0'],
  ] as const) {
    const chunk = pngChunk(type, Buffer.concat([Buffer.from(prefix, 'latin1'), inflating]));
    // After the 8-byte signature and the 25-byte IHDR chunk.
    file(
      `metadata-bomb-${type}.png`,
      Buffer.concat([portraitPng.subarray(0, 33), chunk, portraitPng.subarray(33)]),
      `a PNG whose ${type} chunk inflates to 100 MiB`,
      { kind: 'indexed', faces: 1 },
    );
  }

  // ── Broken or lying files: one error row each, with the reason ──
  file('zero-bytes.jpg', Buffer.alloc(0), 'zero bytes', { kind: 'error', reason: /empty \(0 bytes\)/ });
  const jpeg = read('groups/bbt4.jpg');
  for (const [label, cut] of [
    ['2', 2],
    ['300', 300],
    ['half', jpeg.length >> 1],
    ['end', jpeg.length - 2],
  ] as const) {
    file(`truncated-${label}.jpg`, jpeg.subarray(0, cut), `a JPEG cut after ${cut} of ${jpeg.length} bytes`, {
      kind: 'error',
      reason: truncated,
    });
  }
  const png = read('people/raj/raj1.png');
  file('truncated-half.png', png.subarray(0, png.length >> 1), 'a PNG cut in half', {
    kind: 'error',
    reason: /truncated or damaged|cannot decode/,
  });
  file('random.jpg', noise(64 * 1024, 7), 'random bytes named .jpg', { kind: 'error', reason: notImage });
  file('random.png', noise(3000, 11), 'random bytes named .png', { kind: 'error', reason: notImage });
  file('text.jpg', 'Dear diary, today nothing happened.\n'.repeat(50), 'a text file named .jpg', {
    kind: 'error',
    reason: notImage,
  });
  file('bad\nname.jpg', 'not a photo either\n', 'a text file with a newline in its name', {
    kind: 'error',
    reason: notImage,
  });
  file('bomb-60000x60000.png', pngDeclaring(60_000, 60_000), 'a PNG declaring 60,000×60,000 pixels', {
    kind: 'error',
    reason: /limit of 250 megapixels.*decompression bomb/,
  });
  const portrait = read('misc/neutral.jpg');
  file(
    'exif-length-overruns.jpg',
    afterSoi(portrait, segment(0xe1, exifPayload(), 0xfff0)),
    'an EXIF segment whose length runs 65,000 bytes into the image data',
    { kind: 'error', reason: truncated },
  );
  file(
    'exif-length-too-short.jpg',
    afterSoi(portrait, segment(0xe1, exifPayload(), 1)),
    'an EXIF segment whose length (1) is shorter than the length field itself: libjpeg skips ' +
      'to the next marker, the pixels are intact',
    { kind: 'indexed', faces: 1 },
  );
  file('unreadable.jpg', read('misc/surprised.jpg'), 'a photo with mode 000', {
    kind: 'error',
    reason: /permission denied/,
  });
  fs.chmodSync(path.join(root, 'unreadable.jpg'), 0o000);

  const huge = path.join(root, 'huge-1200MiB.jpg');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, 1200 * 2 ** 20); // sparse: no disk used, but its size is what is checked
  entries.push({
    name: 'huge-1200MiB.jpg',
    what: 'a 1200 MiB file (sparse) named .jpg',
    expect: { kind: 'error', reason: /1200 MiB, larger than any photo/ },
  });

  // ── Not files: never rows, never followed forever, never opened ──
  // A name that is not valid UTF-8 (bytes 0xff 0xfe): listed as "bad\uFFFD\uFFFDname.jpg", which no
  // file is called; skipped with a reason, as no path Kindred can store would open it again.
  fs.copyFileSync(
    fixture('misc/happy.jpg'),
    Buffer.concat([Buffer.from(`${root}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('name.jpg')]),
  );
  entries.push({
    name: 'bad\uFFFD\uFFFDname.jpg',
    what: 'a name that is not valid UTF-8',
    expect: { kind: 'skipped' },
  });
  skipped('photo.jpg', 'a directory named photo.jpg', (target) => fs.mkdirSync(target));
  skipped('fifo.jpg', 'a FIFO named .jpg (opening it for reading would block)', (target) =>
    execFileSync('mkfifo', [target]),
  );
  skipped('link-to-fifo.jpg', 'a symlink to the FIFO', (target) => fs.symlinkSync('fifo.jpg', target));
  skipped('endless.jpg', 'a symlink to /dev/zero (reading never ends)', (target) =>
    fs.symlinkSync('/dev/zero', target),
  );
  skipped('self-loop.jpg', 'a symlink to itself (ELOOP)', (target) =>
    fs.symlinkSync('self-loop.jpg', target),
  );
  skipped('ping.jpg', 'two symlinks pointing at each other', (target) => {
    fs.symlinkSync('pong.jpg', target);
    fs.symlinkSync('ping.jpg', path.join(root, 'pong.jpg'));
  });
  entries.push({
    name: 'pong.jpg',
    what: 'two symlinks pointing at each other',
    expect: { kind: 'skipped' },
  });
  skipped('loops/up', 'a symlink to a folder above it (a directory loop)', (target) =>
    fs.symlinkSync('..', target),
  );
  return entries;
}
