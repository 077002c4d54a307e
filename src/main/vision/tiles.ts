import type * as ort from 'onnxruntime-node';
import { DETECTOR_SIZE, detectInPass, MIN_SCORE } from './detector';
import { placeOnCanvas, type RgbImage } from './image';
import type { ScoredBox } from './nms';

/**
 * The scale the tiles look at the photo: a face 40 px wide in the photo becomes 24 px, about
 * the smallest the SSD finds reliably (measured: 20–24 px faces found at scores 0.5–0.97).
 */
export const TILE_SCALE = 0.6;
/** Tiles overlap by this much (detector pixels), so every face up to this size lies whole in some tile. */
const TILE_OVERLAP = 96;

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Tiles of at most 512×512 covering a width×height image, overlapping by TILE_OVERLAP. */
export function tileGrid(width: number, height: number): Tile[] {
  const starts = (length: number) => {
    if (length <= DETECTOR_SIZE) return [0];
    const count = Math.ceil((length - TILE_OVERLAP) / (DETECTOR_SIZE - TILE_OVERLAP));
    const step = (length - DETECTOR_SIZE) / (count - 1);
    return Array.from({ length: count }, (_, i) => Math.round(i * step));
  };
  return starts(height).flatMap((y) =>
    starts(width).map((x) => ({
      x,
      y,
      width: Math.min(DETECTOR_SIZE, width - x),
      height: Math.min(DETECTOR_SIZE, height - y),
    })),
  );
}

/** Whether tiling would show the detector anything the plain pass cannot: only photos much larger than 512. */
export function worthTiling(photoWidth: number, photoHeight: number): boolean {
  return Math.max(photoWidth, photoHeight) * TILE_SCALE > DETECTOR_SIZE * 1.5;
}

/**
 * Looks for small faces (down to about 40 px in the photo) in overlapping tiles of the photo
 * decoded at TILE_SCALE. Only small detections that do not touch a tile's inner edge are kept:
 * larger faces are the whole-photo passes' job, and a face cut by a tile edge is a false one.
 */
export async function findSmallFaces(
  session: ort.InferenceSession,
  image: RgbImage,
  imageScale: number,
  photoWidth: number,
  photoHeight: number,
): Promise<ScoredBox[]> {
  const found: ScoredBox[] = [];
  const maxSide = TILE_OVERLAP / imageScale;
  const margin = 2 / imageScale;
  for (const tile of tileGrid(image.width, image.height)) {
    const crop = cropImage(image, tile);
    const pixels = new Float32Array(DETECTOR_SIZE * DETECTOR_SIZE * 3);
    placeOnCanvas(crop, DETECTOR_SIZE, 0, 0, pixels);
    const pass = { name: 'tile', scale: imageScale, offsetX: -tile.x, offsetY: -tile.y, pixels };
    const left = tile.x / imageScale;
    const top = tile.y / imageScale;
    const right = (tile.x + tile.width) / imageScale;
    const bottom = (tile.y + tile.height) / imageScale;
    for (const box of await detectInPass(session, pass, photoWidth, photoHeight, MIN_SCORE)) {
      if (Math.max(box.width, box.height) > maxSide) continue;
      const cutLeft = tile.x > 0 && box.x <= left + margin;
      const cutTop = tile.y > 0 && box.y <= top + margin;
      const cutRight = tile.x + tile.width < image.width && box.x + box.width >= right - margin;
      const cutBottom = tile.y + tile.height < image.height && box.y + box.height >= bottom - margin;
      if (!cutLeft && !cutTop && !cutRight && !cutBottom) found.push(box);
    }
  }
  return found;
}

function cropImage(image: RgbImage, tile: Tile): RgbImage {
  const data = new Uint8Array(tile.width * tile.height * 3);
  for (let y = 0; y < tile.height; y++) {
    const from = ((tile.y + y) * image.width + tile.x) * 3;
    data.set(image.data.subarray(from, from + tile.width * 3), y * tile.width * 3);
  }
  return { data, width: tile.width, height: tile.height };
}
