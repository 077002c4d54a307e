import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { FIXTURES, readManifest } from '../support/fixtures';
import type { Random } from './random';

/**
 * The chaos run's photos: every fixture re-encoded at several sizes, crops and qualities, each
 * with a serial number in its EXIF description, so no two files share their bytes (a duplicate
 * content hash in the library then always means a photo counted twice). Small, so that inference
 * on 2 cores stays cheap.
 */
let serial = 0;

export async function writeVariant(source: string, target: string, random: Random): Promise<void> {
  // Upright first: the crop is in the pixels the viewer sees.
  const { data: upright, info } = await sharp(source).rotate().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const image = sharp(upright);
  // A crop of 85–100 % of each side, anywhere in the frame.
  const scale = 0.85 + random.next() * 0.15;
  const cropWidth = Math.max(32, Math.round(width * scale));
  const cropHeight = Math.max(32, Math.round(height * scale));
  const left = Math.floor(random.next() * (width - cropWidth + 1));
  const top = Math.floor(random.next() * (height - cropHeight + 1));
  const longSide = 140 + Math.floor(random.next() * 180);
  serial += 1;
  const buffer = await image
    .extract({ left, top, width: Math.min(cropWidth, width), height: Math.min(cropHeight, height) })
    .resize({ width: longSide, height: longSide, fit: 'inside' })
    .jpeg({ quality: 60 + Math.floor(random.next() * 35) })
    .withExif({ IFD0: { ImageDescription: `kindred chaos ${process.pid} ${serial}` } })
    .toBuffer();
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  // Written beside and renamed, so the watcher never sees half a file.
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.part`);
  await fs.promises.writeFile(temporary, buffer);
  await fs.promises.rename(temporary, target);
}

/** Fixture files (absolute paths) that decode: the sources of every generated photo. */
export function fixtureSources(): string[] {
  return readManifest().map((file) => path.join(FIXTURES, file.path));
}

/** `count` variants spread over the fixtures, written as `${dir}/NNNN.jpg`. */
export async function writeVariants(
  dir: string,
  count: number,
  random: Random,
  prefix = '',
): Promise<string[]> {
  const sources = fixtureSources();
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const target = path.join(dir, `${prefix}${String(i).padStart(4, '0')}.jpg`);
    await writeVariant(sources[i % sources.length], target, random);
    written.push(target);
  }
  return written;
}
