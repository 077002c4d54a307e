import type { Box } from '../../common/api';
import { intersectionOverUnion } from '../vision/nms';
import type { NormalizedBox } from './orientation';

/**
 * Below this overlap a region and a face are not the same face, unless each one's centre lies
 * inside the other: tools draw regions tighter (Picasa) or looser (Apple) than Kindred's detector.
 */
export const REGION_MATCH_IOU = 0.3;

const centreInside = (inner: Box, outer: Box) => {
  const cx = inner.x + inner.width / 2;
  const cy = inner.y + inner.height / 2;
  return cx >= outer.x && cx <= outer.x + outer.width && cy >= outer.y && cy <= outer.y + outer.height;
};

export function sameFace(region: Box, face: Box): boolean {
  return (
    intersectionOverUnion(region, face) >= REGION_MATCH_IOU ||
    (centreInside(region, face) && centreInside(face, region))
  );
}

/**
 * Pairs regions with faces one to one, the best overlapping pair first: a region matches at most
 * one face and a face at most one region. Returns, per region index, the face index or undefined.
 */
export function matchRegions(regions: readonly Box[], faces: readonly Box[]): (number | undefined)[] {
  const pairs: { region: number; face: number; score: number }[] = [];
  regions.forEach((region, r) =>
    faces.forEach((face, f) => {
      if (sameFace(region, face))
        pairs.push({ region: r, face: f, score: intersectionOverUnion(region, face) });
    }),
  );
  pairs.sort((a, b) => b.score - a.score || a.region - b.region || a.face - b.face);
  const result: (number | undefined)[] = regions.map(() => undefined);
  const taken = new Set<number>();
  for (const pair of pairs) {
    if (result[pair.region] !== undefined || taken.has(pair.face)) continue;
    result[pair.region] = pair.face;
    taken.add(pair.face);
  }
  return result;
}

/** A normalized box in whole upright pixels, kept inside the photo. */
export function toPixels(box: NormalizedBox, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width - 1, Math.round(box.x * width)));
  const y = Math.max(0, Math.min(height - 1, Math.round(box.y * height)));
  return {
    x,
    y,
    width: Math.max(1, Math.min(width - x, Math.round(box.width * width))),
    height: Math.max(1, Math.min(height - y, Math.round(box.height * height))),
  };
}
