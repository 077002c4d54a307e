import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ViewsRepository } from '../../../src/main/repositories/views';
import { MediaNotFoundError, MediaService } from '../../../src/main/services/media';
import { DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { fixture } from '../../support/fixtures';
import { createTestLibrary, type TestLibrary } from '../../support/library';

// A 12-MP-class group photo is not among the fixtures; these cover several faces, EXIF rotation,
// a grayscale photo, a small PNG the detector upscales, and a photo with no face.
const PHOTOS = [
  'groups/bbt4.jpg',
  'misc/curie_exif6.jpg',
  'people/amy/amy1.png',
  'misc/landscape_waterfall.jpg',
];

let lib: TestLibrary;
beforeEach(() => {
  lib = createTestLibrary();
});
afterEach(() => lib.cleanup());

const cacheDir = () => path.join(lib.dir, 'cache');

async function pixels(file: string, size: number): Promise<Buffer> {
  return sharp(file).resize(size, size, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
}

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('previews made during analysis', () => {
  it('leave every photo and face browsable while its folder is offline', async () => {
    lib.addPhotos(PHOTOS);
    const library = lib.open();
    await library.scan([lib.photosDir], { workers: 2, pipeline: DEFAULT_PIPELINE });
    const photos = await library.listPhotos();
    const faces = await library.listFaces();
    expect(photos.filter((photo) => photo.status === 'indexed')).toHaveLength(PHOTOS.length);
    expect(faces.length).toBeGreaterThanOrEqual(8);

    // Nothing has been shown yet, and the drive goes away.
    fs.renameSync(lib.photosDir, `${lib.photosDir}-unplugged`);
    const media = new MediaService(new ViewsRepository(library.deps.db), cacheDir());

    for (const photo of photos) {
      const thumb = await media.get('thumb', photo.id);
      const { width, height } = await sharp(thumb.file).metadata();
      // The short side is 256 px, or the photo's own when smaller (never enlarged).
      expect(Math.min(width!, height!)).toBe(Math.min(256, photo.width!, photo.height!));
      expect(Math.abs(width! / height! - photo.width! / photo.height!)).toBeLessThan(0.02);
      // The viewer's screen-sized image falls back to the thumbnail.
      expect((await media.get('photo', photo.id)).file).toBe(thumb.file);
    }
    for (const face of faces) {
      const crop = await media.get('face', face.id);
      expect(await sharp(crop.file).metadata()).toMatchObject({ width: 192, height: 192 });
    }
  });

  it('cuts the same face crops and thumbnails as the media service makes from the original', async () => {
    lib.addPhotos(PHOTOS);
    // A camera-sized photo whose faces are too small for its working decode: their crops come from
    // the region of it decoded in full detail for them (pipeline.ts, cropSource).
    await sharp(fs.readFileSync(fixture('groups/bbt1.jpg')))
      .resize(3200)
      .jpeg({ quality: 92 })
      .toFile(path.join(lib.photosDir, 'bbt1-large.jpg'));
    const library = lib.open();
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    const media = new MediaService(new ViewsRepository(library.deps.db), cacheDir());
    const made = async (get: () => Promise<{ file: string }>) => {
      const { file } = await get();
      const early = await pixels(file, 64);
      fs.rmSync(file);
      const late = await pixels((await get()).file, 64);
      return meanDifference(early, late);
    };
    for (const face of await library.listFaces()) {
      // A crop of another region or orientation differs by 30+ levels on average.
      expect(await made(() => media.get('face', face.id))).toBeLessThan(6);
    }
    for (const photo of await library.listPhotos()) {
      expect(await made(() => media.get('thumb', photo.id))).toBeLessThan(6);
    }
  });

  it('keeps serving the JPEG previews of a library made when they were JPEG, even offline', async () => {
    lib.addPhotos(['groups/bbt4.jpg']);
    const library = lib.open();
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    const [photo] = await library.listPhotos();
    const [face] = await library.listFaces();
    const media = new MediaService(new ViewsRepository(library.deps.db), cacheDir());
    // As an eighth-session Kindred left them: the same images, as JPEG files beside where the WebPs go.
    const older: string[] = [];
    for (const made of [await media.get('thumb', photo.id), await media.get('face', face.id)]) {
      expect(made.contentType).toBe('image/webp');
      const jpeg = made.file.replace(/\.webp$/, '.jpg');
      await sharp(made.file).jpeg().toFile(jpeg);
      fs.rmSync(made.file);
      older.push(jpeg);
    }
    fs.renameSync(lib.photosDir, `${lib.photosDir}-unplugged`);
    expect(await media.get('thumb', photo.id)).toEqual({ file: older[0], contentType: 'image/jpeg' });
    expect(await media.get('face', face.id)).toEqual({ file: older[1], contentType: 'image/jpeg' });
    expect(await media.get('photo', photo.id)).toEqual({ file: older[0], contentType: 'image/jpeg' });
  });

  it('makes the transparent parts of a photo white in its previews, as the analysis sees them', async () => {
    // A photo whose left half is transparent (its hidden pixels black).
    const transparent = await sharp({
      create: { width: 400, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([
        {
          input: {
            create: { width: 200, height: 300, channels: 4, background: { r: 30, g: 90, b: 160, alpha: 1 } },
          },
          left: 200,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    fs.writeFileSync(path.join(lib.photosDir, 'half-transparent.png'), transparent);
    const library = lib.open();
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    const [photo] = await library.listPhotos();
    const media = new MediaService(new ViewsRepository(library.deps.db), cacheDir());
    const madeDuringScan = (await media.get('thumb', photo.id)).file;
    const fromScan = await sharp(madeDuringScan).raw().toBuffer({ resolveWithObject: true });
    // And as the media service makes it from the file.
    fs.rmSync(madeDuringScan);
    const fromFile = await sharp((await media.get('thumb', photo.id)).file)
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (const { data, info } of [fromScan, fromFile]) {
      const at = (x: number, y: number) => [
        ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
      ];
      expect(at(20, 20).every((value) => value > 245)).toBe(true);
      expect(at(info.width - 20, 20)[2]).toBeGreaterThan(120);
    }
  });

  it('without a cached thumbnail, an offline photo is a clear not-found', async () => {
    lib.addPhotos(['misc/happy.jpg']);
    const library = lib.open();
    await library.scan([lib.photosDir], { workers: 1, pipeline: DEFAULT_PIPELINE });
    const [photo] = await library.listPhotos();
    // As for a library scanned before previews were made during analysis.
    expect(fs.existsSync(path.join(cacheDir(), 'media', 'thumb'))).toBe(true);
    fs.rmSync(path.join(cacheDir(), 'media'), { recursive: true });
    fs.renameSync(lib.photosDir, `${lib.photosDir}-unplugged`);
    const media = new MediaService(new ViewsRepository(library.deps.db), cacheDir());
    await expect(media.get('photo', photo.id)).rejects.toThrow(MediaNotFoundError);
    await expect(media.get('thumb', photo.id)).rejects.toThrow(/missing .*not connected/);
  });
});
