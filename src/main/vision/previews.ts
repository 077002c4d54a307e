import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Box, MediaKind } from '../../common/api';
import { writeFileAtomically } from '../write-file-atomically';
import type { RgbImage } from './image';

/**
 * The media cache: thumbnails, face crops and screen-sized photos, upright, as WebP files under
 * `<cache>/media/<kind>/<2 hex>/<key>.webp`, keyed by the photo's content hash so a moved file
 * keeps its images and an edited one gets new ones. The vision workers fill it while they analyse
 * (from pixels they have already decoded), so a photo on a drive that is later unplugged can still
 * be browsed; the media service fills the rest on demand.
 *
 * WebP, as the app's issue asks. The eighth session wrote JPEG instead, to save encoding time on
 * its slower machine (a thumbnail 5.2 ms against 8.5, a face crop 1.9 against 3.4); on the ninth
 * session's machine WebP costs about 5 ms a photo more than JPEG, 3.7% of the default pipeline's
 * throughput (docs/benchmarks.md). The JPEG files such a Kindred made are still served
 * (cachedMediaFile).
 */
export const THUMB_SIZE = 256;
export const FACE_SIZE = 192;
export const PHOTO_MAX = 2048;
/** Room around a face box, so a crop shows the head rather than a tight square of skin. */
const FACE_MARGIN = 0.35;
export const THUMB_QUALITY = 78;
export const FACE_QUALITY = 82;
export const PHOTO_QUALITY = 85;
/**
 * libwebp's fastest method: a quarter of the default's encoding time (measured ~5 ms a face crop
 * against ~8), for files a few percent larger. Previews are made for every photo analysed.
 */
const WEBP_EFFORT = 1;

/** What the cache writes, then what an older Kindred wrote in its place (served, never remade). */
const WRITTEN_FORMAT = { extension: '.webp', contentType: 'image/webp' };
const OLDER_FORMATS = [{ extension: '.jpg', contentType: 'image/jpeg' }];

/** The file a cached image is written to. */
export function mediaCacheFile(cacheDir: string, kind: MediaKind, key: string): string {
  return path.join(cacheDir, 'media', kind, key.slice(0, 2), `${key}${WRITTEN_FORMAT.extension}`);
}

/** An image of the media cache with its type, for serving. */
export interface MediaFile {
  file: string;
  contentType: string;
}

/**
 * The cached image for `key`, if there is one: the WebP file, or the JPEG file an eighth-session
 * Kindred made for it (the same picture; remade only if it goes).
 */
export function cachedMediaFile(cacheDir: string, kind: MediaKind, key: string): MediaFile | null {
  const file = mediaCacheFile(cacheDir, kind, key);
  const stem = file.slice(0, -WRITTEN_FORMAT.extension.length);
  for (const { extension, contentType } of [WRITTEN_FORMAT, ...OLDER_FORMATS]) {
    if (fs.existsSync(stem + extension)) return { file: stem + extension, contentType };
  }
  return null;
}

/** The type the cache's own files are served with. */
export const WRITTEN_CONTENT_TYPE = WRITTEN_FORMAT.contentType;

/**
 * A preview's pixels as the cache's WebP. A transparent area is white, as the analysis sees it
 * (decode.ts), so that a thumbnail shows what the faces were found in.
 */
export function encodePreview(pipeline: Sharp, quality: number): Promise<Buffer> {
  return pipeline.flatten({ background: '#ffffff' }).webp({ quality, effort: WEBP_EFFORT }).toBuffer();
}

/** A face crop's key: the photo's content and the box, so a corrected box gets a new crop. */
export function faceCropKey(contentHash: string, box: Box): string {
  const { x, y, width, height } = box;
  return `${contentHash}-${Math.round(x)}-${Math.round(y)}-${Math.round(width)}-${Math.round(height)}`;
}

/**
 * The square around a face (box in upright photo pixels) in an image of the same photo scaled by
 * `scale`, clamped to that image.
 */
export function faceCropRegion(
  box: Box,
  scale: number,
  imageWidth: number,
  imageHeight: number,
): { left: number; top: number; width: number; height: number } {
  const side = Math.max(box.width, box.height) * (1 + 2 * FACE_MARGIN) * scale;
  const centreX = (box.x + box.width / 2) * scale;
  const centreY = (box.y + box.height / 2) * scale;
  const left = clamp(Math.round(centreX - side / 2), 0, imageWidth - 1);
  const top = clamp(Math.round(centreY - side / 2), 0, imageHeight - 1);
  return {
    left,
    top,
    width: clamp(Math.round(side), 1, imageWidth - left),
    height: clamp(Math.round(side), 1, imageHeight - top),
  };
}

/** Writes a file of the media cache, making its two-hex-digit folder when it is the first there. */
export async function writeCacheFile(file: string, data: Buffer): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, data);
}

/** An upright decode of the photo the pipeline already holds, and its scale to the photo. */
export interface DecodedView {
  image: RgbImage;
  scale: number;
}

const rawInput = (image: RgbImage) =>
  sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: 3 },
  });

/**
 * Thumbnail and face crops of a just-analysed photo, made from the decodes the pipeline already
 * holds (`views`: the detector's image and the crop source), so they cost a few milliseconds of
 * encoding rather than another decode of the file. Only a photo none of those suit (a small
 * photo the detector upscaled, a panorama) is decoded again, straight to thumbnail size.
 * Files already in the cache (a duplicate, a re-analysed photo) are left alone.
 */
export async function writePreviews(options: {
  cacheDir: string;
  contentHash: string;
  file: Buffer;
  width: number;
  height: number;
  views: readonly DecodedView[];
  faces: readonly { box: Box }[];
}): Promise<void> {
  const { cacheDir, contentHash, width, height } = options;
  if (!cachedMediaFile(cacheDir, 'thumb', contentHash)) {
    // As the media service sizes them: the short side 256 px, never enlarged.
    const fit = Math.min(1, THUMB_SIZE / Math.min(width, height));
    const thumbWidth = Math.max(1, Math.round(width * fit));
    const thumbHeight = Math.max(1, Math.round(height * fit));
    const usable = options.views
      .filter(
        (view) =>
          isWholePhoto(view) &&
          view.scale <= 1 &&
          view.image.width >= thumbWidth &&
          view.image.height >= thumbHeight,
      )
      .sort((a, b) => a.scale - b.scale)[0];
    const input = usable ? rawInput(usable.image) : sharp(options.file).rotate();
    const thumbnail = await encodePreview(
      input.resize(thumbWidth, thumbHeight, { fit: 'fill' }),
      THUMB_QUALITY,
    );
    await writeCacheFile(mediaCacheFile(cacheDir, 'thumb', contentHash), thumbnail);
  }

  // The least detailed view at or below full size that holds the face's crop at FACE_SIZE px or
  // more, so that every crop is made by shrinking, from no more pixels than that takes (the crops
  // of bench:ingest's photos, 3.5 a photo, one thread: 14.1 ms a photo from the most detailed view,
  // 12.7 so); else the most detailed that holds it, such as the region decoded for small faces.
  const coarsestFirst = options.views.filter((view) => view.scale <= 1).sort((a, b) => a.scale - b.scale);
  for (const { box } of options.faces) {
    const key = faceCropKey(contentHash, box);
    if (cachedMediaFile(cacheDir, 'face', key)) continue;
    const holding = coarsestFirst.flatMap((view) => {
      const region = cropInView(box, view, { width, height });
      return region ? [{ view, region }] : [];
    });
    const inView =
      holding.find(({ region }) => Math.min(region.width, region.height) >= FACE_SIZE) ?? holding.at(-1);
    if (!inView) continue;
    const crop = await encodePreview(
      rawInput(inView.view.image).extract(inView.region).resize(FACE_SIZE, FACE_SIZE, { fit: 'cover' }),
      FACE_QUALITY,
    );
    await writeCacheFile(mediaCacheFile(cacheDir, 'face', key), crop);
  }
}

const isWholePhoto = (view: DecodedView) =>
  view.image.originX === undefined && view.image.originY === undefined;

/**
 * A face's crop square (clamped to the photo's edges) in a view's own pixels; null when the view
 * is a region of the photo that does not hold all of the square.
 */
function cropInView(
  box: Box,
  view: DecodedView,
  photo: { width: number; height: number },
): ReturnType<typeof faceCropRegion> | null {
  const { image, scale } = view;
  if (isWholePhoto(view)) return faceCropRegion(box, scale, image.width, image.height);
  const inPhoto = faceCropRegion(
    box,
    scale,
    Math.round(photo.width * scale),
    Math.round(photo.height * scale),
  );
  // The region's origin is fractional at some scales; a pixel of rounding is not a missing edge.
  const left = Math.round(inPhoto.left - (image.originX ?? 0));
  const top = Math.round(inPhoto.top - (image.originY ?? 0));
  const outside =
    left < -1 ||
    top < -1 ||
    left + inPhoto.width > image.width + 1 ||
    top + inPhoto.height > image.height + 1;
  if (outside) return null;
  const clampedLeft = clamp(left, 0, image.width - 1);
  const clampedTop = clamp(top, 0, image.height - 1);
  return {
    left: clampedLeft,
    top: clampedTop,
    width: clamp(inPhoto.width, 1, image.width - clampedLeft),
    height: clamp(inPhoto.height, 1, image.height - clampedTop),
  };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
