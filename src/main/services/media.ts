import fs from 'node:fs';
import sharp from 'sharp';
import type { Box, MediaKind } from '../../common/api';
import type { PhotoSource, ViewsRepository } from '../repositories/views';
import {
  cachedMediaFile,
  encodePreview,
  FACE_QUALITY,
  FACE_SIZE,
  faceCropKey,
  faceCropRegion,
  mediaCacheFile,
  PHOTO_MAX,
  PHOTO_QUALITY,
  THUMB_QUALITY,
  THUMB_SIZE,
  writeCacheFile,
  WRITTEN_CONTENT_TYPE,
  type MediaFile,
} from '../vision/previews';

export type { MediaFile };

export class MediaNotFoundError extends Error {
  override name = 'MediaNotFoundError';
}

/**
 * Thumbnails, face crops and screen-sized photos, by id only. Each is made once with sharp, upright
 * (EXIF orientation applied, as face boxes are), and cached under the library's cache folder by the
 * photo's content hash, so a moved file keeps its images and an edited one gets new ones.
 * The user's photos are only ever read.
 */
export class MediaService {
  private readonly making = new Map<string, Promise<void>>();

  constructor(
    private readonly views: Pick<ViewsRepository, 'photoSource' | 'faceSource'>,
    private readonly cacheDir: string,
  ) {}

  /** Parses `kind/id` (the path of a media URL) and returns the image; MediaNotFoundError otherwise. */
  async fromPath(urlPath: string): Promise<MediaFile> {
    const match = /^\/?(thumb|face|photo)\/([1-9]\d{0,15})$/.exec(urlPath);
    if (!match) throw new MediaNotFoundError(`Not a media address: ${urlPath.slice(0, 100)}`);
    return this.get(match[1] as MediaKind, Number(match[2]));
  }

  async get(kind: MediaKind, id: number): Promise<MediaFile> {
    if (kind === 'face') {
      const face = this.views.faceSource(id);
      if (!face) throw new MediaNotFoundError(`No face #${id} in the library.`);
      const photo = indexed(face.photo);
      return this.cached('face', faceCropKey(photo.contentHash, face.box), () =>
        faceCrop(photo.path, face.box),
      );
    }
    const photo = this.views.photoSource(id);
    if (!photo) throw new MediaNotFoundError(`No photo #${id} in the library.`);
    const ready = indexed(photo);
    if (kind === 'thumb') return this.cached('thumb', ready.contentHash, () => thumbnail(ready.path));
    try {
      return await this.cached('photo', ready.contentHash, () => screenSized(ready.path));
    } catch (error) {
      // The file is out of reach (an unplugged drive): the thumbnail made at analysis stands in.
      const thumb = cachedMediaFile(this.cacheDir, 'thumb', ready.contentHash);
      if (error instanceof MediaNotFoundError && thumb) return thumb;
      throw error;
    }
  }

  private async cached(kind: MediaKind, key: string, make: () => Promise<Buffer>): Promise<MediaFile> {
    const cached = cachedMediaFile(this.cacheDir, kind, key);
    if (cached) return cached;
    const file = mediaCacheFile(this.cacheDir, kind, key);
    const result = { file, contentType: WRITTEN_CONTENT_TYPE };
    let pending = this.making.get(file);
    if (!pending) {
      pending = writeAtomically(file, make).finally(() => this.making.delete(file));
      this.making.set(file, pending);
    }
    await pending;
    return result;
  }
}

function indexed(photo: PhotoSource): PhotoSource & { contentHash: string } {
  if (photo.status !== 'indexed' || !photo.contentHash) {
    throw new MediaNotFoundError(`Photo #${photo.id} is not indexed (${photo.status}).`);
  }
  return photo as PhotoSource & { contentHash: string };
}

async function writeAtomically(file: string, make: () => Promise<Buffer>): Promise<void> {
  let data: Buffer;
  try {
    data = await make();
  } catch (error) {
    if (error instanceof MediaNotFoundError) throw error;
    // An unplugged drive or a file deleted since the last scan: nothing to show, not a server fault.
    if (/Input file is missing|ENOENT/.test(String((error as Error).message))) {
      throw new MediaNotFoundError(
        'The photo file is missing (moved, deleted, or on a drive that is not connected).',
      );
    }
    // The file changed since it was indexed and is no longer an image sharp can read: also the
    // file's doing, and the next scan records why.
    throw new MediaNotFoundError(
      `The photo file can no longer be read as an image (${String((error as Error).message).split('\n')[0]}); scan its folder again.`,
    );
  }
  await writeCacheFile(file, data);
}

/**
 * The photo's path, once it is known to be a regular file: sharp would block a thread forever
 * opening a FIFO put in a photo's place, and read /dev/zero without end.
 */
async function regularFile(file: string): Promise<string> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile()) {
    throw new MediaNotFoundError('The photo file has been replaced by something that is not a file.');
  }
  return file;
}

async function thumbnail(file: string): Promise<Buffer> {
  const pipeline = sharp(await regularFile(file))
    .rotate()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'outside', withoutEnlargement: true });
  return encodePreview(pipeline, THUMB_QUALITY);
}

async function screenSized(file: string): Promise<Buffer> {
  const pipeline = sharp(await regularFile(file))
    .rotate()
    .resize(PHOTO_MAX, PHOTO_MAX, { fit: 'inside', withoutEnlargement: true });
  return encodePreview(pipeline, PHOTO_QUALITY);
}

async function faceCrop(file: string, box: Box): Promise<Buffer> {
  const upright = await sharp(await regularFile(file))
    .rotate()
    .toBuffer({ resolveWithObject: true });
  const region = faceCropRegion(box, 1, upright.info.width, upright.info.height);
  return encodePreview(
    sharp(upright.data).extract(region).resize(FACE_SIZE, FACE_SIZE, { fit: 'cover' }),
    FACE_QUALITY,
  );
}
