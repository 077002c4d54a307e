import fs from 'node:fs';
import exifReader from 'exif-reader';
import sharp, { type FormatEnum, type Metadata, type Sharp } from 'sharp';
import { swapsSides, uprightToStored } from '../interchange/orientation';
import type { RgbImage } from './image';
import { fileFacts } from './read-file';
import type { FileFacts } from './task';

/**
 * Above this many pixels a file is refused before any pixel is decoded: a decompression bomb
 * (a tiny file that claims to be gigapixels) must not take the machine's memory. 250 MP still
 * admits every camera sensor and most stitched panoramas.
 */
export const MAX_PIXELS = 250_000_000;

/** A problem with the file itself (as opposed to a bug): recorded on the photo, the scan goes on. */
export class PhotoReadError extends Error {}

export interface PhotoHeader {
  format: string;
  /** Upright size, after EXIF orientation. */
  width: number;
  height: number;
  takenAt: string | null;
  camera: string | null;
  /** Something odd that did not stop indexing (unreadable EXIF), or null. */
  warning: string | null;
  /** EXIF orientation (1–8) as stored; 1 when the file has none. */
  orientation: number;
  /** The embedded XMP packet, when the file has one (face regions are read from it). */
  xmp?: Buffer;
}

const SHARP_OPTIONS = { failOn: 'error', limitInputPixels: MAX_PIXELS, sequentialRead: true } as const;

/**
 * libvips' message on one line, without its retry chatter ("source: bad seek to 1024", often dozens
 * of lines before the real cause): the message is stored on the photo and shown to the user.
 */
function cleanSharpMessage(message: string): string {
  return (
    message
      .replace(/source: bad seek to \d+/g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      // libjpeg repeats itself on every retry: each cause once is enough.
      .filter((line, index, lines) => lines.indexOf(line) === index)
      .reduce(
        (text, line) => (!text ? line : text.endsWith(':') ? `${text} ${line}` : `${text}; ${line}`),
        '',
      )
  );
}

function describeSharpError(error: unknown, format?: string): string {
  const message = cleanSharpMessage(error instanceof Error ? error.message : String(error));
  if (/unsupported image format/i.test(message))
    return 'not an image Kindred can read (unknown or unsupported format)';
  if (/exceeds pixel limit/i.test(message)) {
    return `image is larger than Kindred's limit of ${MAX_PIXELS / 1e6} megapixels (possibly a decompression bomb)`;
  }
  if (format === 'heif' && /compression format|codec|plugin|unsupported/i.test(message)) {
    return `HEIF/HEIC image uses a codec this build cannot decode (${message.trim()}); export it as JPEG to index it`;
  }
  if (/premature end|truncated|unexpected end|end of file|not enough data|read error/i.test(message)) {
    return `image data is truncated or damaged (${message.trim()})`;
  }
  return `cannot decode image (${message.trim()})`;
}

function formatLocalTimestamp(date: Date, offset: string | undefined): string | null {
  if (Number.isNaN(date.getTime())) return null;
  // exif-reader reads the camera's wall-clock time as if it were UTC; the UTC fields are that wall clock.
  const iso = date.toISOString().slice(0, 19);
  return offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? `${iso}${offset}` : iso;
}

function readExif(exif: Buffer): { takenAt: string | null; camera: string | null } {
  const tags = exifReader(exif);
  // exif-reader returns no IFD0 instead of throwing when the block's offsets or entry counts point
  // past its end: that block is just as unreadable as one it rejects.
  if (!tags.Image) throw new Error('IFD0 is missing or lies outside the EXIF block');
  const original = tags.Photo?.DateTimeOriginal ?? tags.Photo?.DateTimeDigitized ?? tags.Image?.DateTime;
  const offset = (tags.Photo as Record<string, unknown> | undefined)?.OffsetTimeOriginal;
  const takenAt =
    original instanceof Date
      ? formatLocalTimestamp(original, typeof offset === 'string' ? offset : undefined)
      : null;
  const make = typeof tags.Image?.Make === 'string' ? tags.Image.Make.replace(/\0/g, '').trim() : '';
  const model = typeof tags.Image?.Model === 'string' ? tags.Image.Model.replace(/\0/g, '').trim() : '';
  const camera = model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`.trim();
  return { takenAt, camera: camera || null };
}

/** Reads the header only: format, upright size, EXIF. No pixels are decoded. */
export async function readPhotoHeader(file: Buffer): Promise<PhotoHeader> {
  if (file.length === 0) throw new PhotoReadError('file is empty (0 bytes)');
  let metadata: Metadata;
  try {
    metadata = await withCause(() => sharp(file, SHARP_OPTIONS).metadata());
  } catch (error) {
    throw new PhotoReadError(describeSharpError(error));
  }
  const { format, width, height } = metadata;
  if (!format || !width || !height)
    throw new PhotoReadError('not an image Kindred can read (no size in its header)');
  if (!(sharp.format as FormatEnum)[format as keyof FormatEnum]?.input?.buffer) {
    throw new PhotoReadError(`${format.toUpperCase()} images cannot be read by this build of Kindred`);
  }
  if (width * height > MAX_PIXELS) {
    throw new PhotoReadError(
      `image claims ${width}×${height} pixels (${Math.round((width * height) / 1e6)} MP), over Kindred's limit of ` +
        `${MAX_PIXELS / 1e6} MP (possibly a decompression bomb)`,
    );
  }
  const swap = (metadata.orientation ?? 1) >= 5;
  let takenAt: string | null = null;
  let camera: string | null = null;
  let warning: string | null = null;
  if (metadata.exif) {
    try {
      ({ takenAt, camera } = readExif(metadata.exif));
    } catch (error) {
      warning = `EXIF metadata is unreadable (${error instanceof Error ? error.message : String(error)}); date taken unknown`;
    }
  }
  return {
    format,
    width: swap ? height : width,
    height: swap ? width : height,
    takenAt,
    camera,
    warning,
    orientation: metadata.orientation ?? 1,
    ...(metadata.xmp ? { xmp: metadata.xmp } : {}),
  };
}

/**
 * Decodes the upright photo scaled so that it fits inside `maxSide`×`maxSide` (never upscaled
 * past `maxScale`), as 8-bit sRGB. Resizing inside sharp lets libjpeg shrink while decoding,
 * so a 12-MP JPEG is never fully decoded just to look for faces.
 */
export async function decodeScaled(file: Buffer, header: PhotoHeader, scale: number): Promise<RgbImage> {
  const { width, height } = scaledSize(header, scale);
  try {
    return await withCause(() => decodeOnce(file, header, width, height, scale));
  } catch (error) {
    throw new PhotoReadError(describeSharpError(error, header.format));
  }
}

/**
 * A libvips failure whose message lost its cause: empty, "Unknown error", or sharp's "Input buffer
 * has corrupt header: " with nothing after it.
 */
const CAUSELESS = /^\s*(Input (buffer|file) has corrupt header:)?\s*(Unknown error)?\s*$/i;

/**
 * libvips keeps its error messages in one buffer for the whole process: when two decodes fail at
 * the same moment (two workers, two photos each), one may find it emptied. The cause is worth up to
 * two more tries; a failure that keeps losing its cause is reported as it comes.
 */
export async function withCause<T>(run: () => Promise<T>, retries = 2): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= retries || !CAUSELESS.test(error instanceof Error ? error.message : String(error)))
        throw error;
    }
  }
}

/**
 * A side of `length` px at `scale`, at least 1. Shrinking rounds down, so that a resize asked for
 * at 1/n shrinks by at least n: sharp uses libjpeg's scaling only then (a side rounded up made a
 * 1/3 decode a full one). libvips' scaled JPEG decodes round down too (decodeJpegShrunk).
 */
export function scaledLength(length: number, scale: number): number {
  const exact = length * scale;
  // The epsilon: 3000 × (1/3) is 999.9999999999999 in floating point.
  return Math.max(1, scale < 1 ? Math.floor(exact + 1e-9) : Math.round(exact));
}

/** The upright photo's size at `scale`: what decodeScaled and resizeScaled make. */
function scaledSize(header: PhotoHeader, scale: number): { width: number; height: number } {
  return { width: scaledLength(header.width, scale), height: scaledLength(header.height, scale) };
}

/**
 * Resamples an already decoded image of the photo to the photo's size at `scale`, with the kernels
 * a decode uses (lanczos3 to shrink, cubic to enlarge): libvips' SIMD resize costs a few
 * milliseconds where another decode of the file would cost a whole entropy decode again.
 */
export async function resizeScaled(image: RgbImage, header: PhotoHeader, scale: number): Promise<RgbImage> {
  const { width, height } = scaledSize(header, scale);
  const kernel = resizeKernel(width < image.width);
  const { data, info } = await sharp(
    Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length),
    {
      raw: { width: image.width, height: image.height, channels: 3 },
    },
  )
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return rgbImageOf(data, info);
}

/** sharp's raw 3-channel output as an RgbImage, without copying the pixels. */
export function rgbImageOf(data: Buffer, info: { width: number; height: number }): RgbImage {
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

async function decodeOnce(
  file: Buffer,
  header: PhotoHeader,
  width: number,
  height: number,
  scale: number,
): Promise<RgbImage> {
  let pipeline = sharp(file, SHARP_OPTIONS).rotate();
  if (width !== header.width || height !== header.height) {
    pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: resizeKernel(scale < 1) });
  }
  return toRgb8(pipeline);
}

/** A photo file on disk, with the size and modification time it had when its bytes were read. */
export type PhotoOnDisk = FileFacts & { path: string };

/** The factors by which libjpeg decodes a JPEG smaller (DCT scaling), most detailed last. */
export const LIBJPEG_SHRINKS = [8, 4, 2] as const;
export type LibjpegShrink = (typeof LIBJPEG_SHRINKS)[number];

/**
 * Decodes a JPEG upright at 1/`shrink` of its size through libjpeg's DCT scaling, which costs
 * little more than the file's entropy decoding: on bench:ingest's 12-MP JPEGs, one thread, 45 ms
 * at 1/2 against 57 for sharp's own 1/3 (itself a 1/2 decode and a resize) and 94 for sharp's 1/2
 * (a full decode and a resize). sharp uses libjpeg's scaling only inside a resize, and only when
 * the resize shrinks by more than the factor (it halves the factor when the shrink's whole part
 * equals it), so it never gives a plain 1/2 decode; libvips takes the factor as a load option
 * written after the file's name ("photo.jpg[shrink=2]"), which sharp passes through, so this
 * reads the file from disk rather than from the bytes already read.
 *
 * Returns null, for the caller to decode the bytes it holds instead, whenever the file may not be
 * those bytes any more (its size or modification time changed, before or during the decode) or
 * the decode fails or comes out at another size: what is stored about a photo must come from the
 * bytes that were hashed, and a damaged file's error is reported by the decode of those bytes.
 */
export async function decodeJpegShrunk(
  photo: PhotoOnDisk,
  header: PhotoHeader,
  shrink: LibjpegShrink,
): Promise<RgbImage | null> {
  if (header.format !== 'jpeg') return null;
  const unchanged = async () => {
    try {
      const stat = await fs.promises.stat(photo.path);
      const now = fileFacts(stat);
      return stat.isFile() && now.size === photo.size && now.mtimeMs === photo.mtimeMs;
    } catch {
      return false;
    }
  };
  // Checked first so that libvips never opens something that is no longer the photo (a FIFO
  // would block it), and again after, so that a file rewritten during the decode is not used.
  if (!(await unchanged())) return null;
  let image: RgbImage;
  try {
    image = await toRgb8(sharp(`${photo.path}[shrink=${shrink}]`, SHARP_OPTIONS).rotate());
  } catch {
    return null;
  }
  // libjpeg rounds a scaled side up; libvips cuts off the partial pixel, as scaledLength does.
  const expected = {
    width: scaledLength(header.width, 1 / shrink),
    height: scaledLength(header.height, 1 / shrink),
  };
  if (image.width !== expected.width || image.height !== expected.height) return null;
  return (await unchanged()) ? image : null;
}

/** The kernels every resize of a photo uses: lanczos3 to shrink, cubic to enlarge. */
const resizeKernel = (shrinking: boolean) => (shrinking ? 'lanczos3' : 'cubic');

/**
 * Runs a decode's pipeline to 8-bit sRGB, 3 channels: gray, CMYK, 16-bit and palette images are
 * converted, and a transparent area is white.
 */
async function toRgb8(pipeline: Sharp): Promise<RgbImage> {
  const { data, info } = await pipeline
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return rgbImageOf(data, info);
}

/** A rectangle of whole pixels. */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Decodes only `region` (upright photo pixels) of the photo, at `scale`, as an image that knows
 * where it sits in the whole photo at that scale (RgbImage.originX/Y). The faces of a photo cover
 * part of it, and a region costs a fraction of a full decode: libvips reads a JPEG sequentially,
 * stops at the region's last row, and converts and copies only the pixels it keeps. Measured on
 * 20 of bench:ingest's 12-MP JPEGs, one thread: a full decode 88 ms; a 600×400 region ending at a
 * quarter of the height 17 ms, at half 32, at the bottom 57; the faces' region of the 13 of 30
 * photos that need one, 50–90 ms (65 on average) against ~95 for the whole photo at that scale
 * (docs/benchmarks.md). The region is cut from the stored pixels and turned upright afterwards, as
 * turning the whole photo first would need all of it in memory.
 */
export async function decodeRegion(
  file: Buffer,
  header: PhotoHeader,
  scale: number,
  region: PixelRect,
): Promise<RgbImage> {
  const upright = clampRect(region, header.width, header.height);
  const stored = storedRect(upright, header);
  // Resized in the stored orientation, in the same pipeline as the decode (a second pass over the
  // pixels cost ~15 ms more): flips and quarter turns commute with resizing.
  const width = scaledLength(stored.width, scale);
  const height = scaledLength(stored.height, scale);
  const resize = width !== stored.width || height !== stored.height;
  try {
    const image = await withCause(() => {
      const pipeline = sharp(file, SHARP_OPTIONS).extract(stored);
      if (resize) pipeline.resize(width, height, { fit: 'fill', kernel: resizeKernel(scale < 1) });
      return toRgb8(pipeline);
    });
    return {
      ...turnUpright(image, header.orientation),
      originX: upright.left * scale,
      originY: upright.top * scale,
    };
  } catch (error) {
    throw new PhotoReadError(describeSharpError(error, header.format));
  }
}

function clampRect(rect: PixelRect, width: number, height: number): PixelRect {
  const left = Math.min(width - 1, Math.max(0, Math.floor(rect.left)));
  const top = Math.min(height - 1, Math.max(0, Math.floor(rect.top)));
  const right = Math.min(width, Math.max(left + 1, Math.ceil(rect.left + rect.width)));
  const bottom = Math.min(height, Math.max(top + 1, Math.ceil(rect.top + rect.height)));
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Where a rectangle of the upright photo lies in the stored pixels, for each EXIF orientation
 * (1–8; 6 is "turn 90° clockwise to display"), through the same mapping XMP regions use. Every
 * orientation is a flip or a transpose, so whole-pixel rectangles map to whole-pixel rectangles
 * (the rounding only removes floating-point dust).
 */
export function storedRect(
  rect: PixelRect,
  header: Pick<PhotoHeader, 'width' | 'height' | 'orientation'>,
): PixelRect {
  const { width, height, orientation } = header;
  const swap = swapsSides(orientation);
  const storedWidth = swap ? height : width;
  const storedHeight = swap ? width : height;
  const box = uprightToStored(
    { x: rect.left / width, y: rect.top / height, width: rect.width / width, height: rect.height / height },
    orientation,
  );
  return {
    left: Math.round(box.x * storedWidth),
    top: Math.round(box.y * storedHeight),
    width: Math.round(box.width * storedWidth),
    height: Math.round(box.height * storedHeight),
  };
}

/**
 * A region cut from the stored pixels, turned as its EXIF orientation says (pixel for pixel). The
 * stored pixel of each upright one is an affine function of (x, y), read off storedRect for three
 * single pixels, so the loop does no per-pixel case analysis.
 */
function turnUpright(image: RgbImage, orientation: number): RgbImage {
  if (orientation < 2 || orientation > 8) return image;
  const { data, width: storedWidth, height: storedHeight } = image;
  const swap = swapsSides(orientation);
  const width = swap ? storedHeight : storedWidth;
  const height = swap ? storedWidth : storedHeight;
  const storedPixel = (x: number, y: number) =>
    storedRect({ left: x, top: y, width: 1, height: 1 }, { width, height, orientation });
  const origin = storedPixel(0, 0);
  const right = storedPixel(1, 0);
  const down = storedPixel(0, 1);
  const [xx, yx] = [right.left - origin.left, right.top - origin.top];
  const [xy, yy] = [down.left - origin.left, down.top - origin.top];
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = ((origin.top + yx * x + yy * y) * storedWidth + (origin.left + xx * x + xy * y)) * 3;
      const o = (y * width + x) * 3;
      out[o] = data[s];
      out[o + 1] = data[s + 1];
      out[o + 2] = data[s + 2];
    }
  }
  return { data: out, width, height };
}
