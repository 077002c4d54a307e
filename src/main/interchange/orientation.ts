/** A rectangle in normalized coordinates (0…1 of the image's width and height), top-left based. */
export interface NormalizedBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where a point of the stored image (u, v in 0…1) lands in the upright image, for each EXIF
 * orientation (1–8, as in TIFF/EXIF: 6 is "rotate 90° clockwise to display").
 */
const STORED_TO_UPRIGHT: Record<number, (u: number, v: number) => [number, number]> = {
  1: (u, v) => [u, v],
  2: (u, v) => [1 - u, v],
  3: (u, v) => [1 - u, 1 - v],
  4: (u, v) => [u, 1 - v],
  5: (u, v) => [v, u],
  6: (u, v) => [1 - v, u],
  7: (u, v) => [1 - v, 1 - u],
  8: (u, v) => [v, 1 - u],
};

/** The orientation whose mapping undoes another's: 6 and 8 undo each other, the rest undo themselves. */
const INVERSE: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6 };

function validOrientation(orientation: number | undefined): number {
  return orientation !== undefined && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8
    ? orientation
    : 1;
}

function mapBox(box: NormalizedBox, map: (u: number, v: number) => [number, number]): NormalizedBox {
  const [x1, y1] = map(box.x, box.y);
  const [x2, y2] = map(box.x + box.width, box.y + box.height);
  return {
    x: Math.min(x1, x2),
    y: Math.min(y1, y2),
    width: Math.abs(x2 - x1),
    height: Math.abs(y2 - y1),
  };
}

/** A box given on the stored pixels (as MWG and MP regions are) in the upright image. */
export function storedToUpright(box: NormalizedBox, orientation: number | undefined): NormalizedBox {
  return mapBox(box, STORED_TO_UPRIGHT[validOrientation(orientation)]);
}

/** A box of the upright image on the stored pixels (for writing a sidecar of a rotated original). */
export function uprightToStored(box: NormalizedBox, orientation: number | undefined): NormalizedBox {
  return mapBox(box, STORED_TO_UPRIGHT[INVERSE[validOrientation(orientation)]]);
}

/** Orientations 5–8 turn the image a quarter: the stored width is the upright height. */
export function swapsSides(orientation: number | undefined): boolean {
  return validOrientation(orientation) >= 5;
}
